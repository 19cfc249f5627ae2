import Foundation

/// The one place that writes to the terminal.
enum Terminal {
    static func out(_ line: String) {
        print(line)
    }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    }

    static func warning(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    /// Plain lines on stderr (diagnostics already carry their own prefix).
    static func raw(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// A one-line notice that stays out of stdout, so scripts reading stdout are not disturbed.
    static func note(_ message: String) {
        FileHandle.standardError.write(Data("note: \(message)\n".utf8))
    }

    static func time(_ date: Date?) -> String {
        date.map { $0.formatted(.iso8601) } ?? "-"
    }

    static func seconds(_ interval: TimeInterval?) -> String {
        guard let interval else { return "-" }
        if interval < 1 { return String(format: "%.0fms", interval * 1000) }
        if interval < 60 { return String(format: "%.2fs", interval) }
        return String(format: "%dm%02ds", Int(interval) / 60, Int(interval) % 60)
    }
}

/// Left-aligned columns for people; scripts use --json.
struct Table {
    var headers: [String]
    var rows: [[String]] = []

    func render() -> String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}

enum JSONOutput {
    static func print<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var single = encoder.singleValueContainer()
            try single.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        Terminal.out(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
