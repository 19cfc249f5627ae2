import Automation
import Foundation

/// The one place that writes to the terminal. Text for people has its control characters made
/// visible (`TerminalText`): names and values come from scanned machines and files, and an
/// escape sequence in one must not drive the terminal. JSON goes out exact (`exact`).
enum Terminal {
    static func out(_ line: String) {
        print(TerminalText.escaped(line, keepingLineBreaks: true))
    }

    /// Output that is already safe and must not change (JSON, whose encoder escapes controls).
    static func exact(_ text: String) {
        print(text)
    }

    static func error(_ message: String) {
        standardError("error: \(message)\n")
    }

    static func warning(_ message: String) {
        standardError("warning: \(message)\n")
    }

    /// Plain lines on stderr (diagnostics already carry their own prefix).
    static func raw(_ text: String) {
        standardError(text.hasSuffix("\n") ? text : text + "\n")
    }

    /// A one-line notice that stays out of stdout, so scripts reading stdout are not disturbed.
    static func note(_ message: String) {
        standardError("note: \(message)\n")
    }

    private static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(TerminalText.escaped(text, keepingLineBreaks: true).utf8))
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
        // A cell is one line: a newline or an escape sequence in a scanned name is shown, not obeyed.
        let rows = rows.map { $0.map(TerminalText.escaped) }
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
        Terminal.exact(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
