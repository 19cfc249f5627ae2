import ArgumentParser
import Automation
import AutomationService
import Foundation
import ServiceLifecycle

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

    /// Runs a use case; its error is said in one line and the command exits with its code.
    static func exitOnError<T>(_ body: () async throws(ServiceError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            Terminal.error(error.description)
            throw ExitCode(error.exitCode)
        }
    }

    /// Runs a daemon's service group; a store error that ends it (a node id another live
    /// process holds) is said in words, exit 74, as on PostgreSQL.
    static func runDaemon(_ group: ServiceGroup) async throws {
        do {
            try await group.run()
        } catch let error as StoreError {
            Terminal.error(error.description)
            throw ExitCode(74)
        }
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

    /// Writes what stdout holds so far. Piped, stdout is block-buffered and stderr is not: a
    /// live job flushes each Output line so that a reader of the pipe sees it as it happens.
    static func flush() {
        fflush(nil)
    }

    private static func standardError(_ text: String) {
        // Lines buffered for stdout go first: with both streams on one pipe or file
        // (`2>&1 | tee log`), lines come out in the order they were written.
        flush()
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
    /// When the line does not fit the width, the last column goes on a line of its own under
    /// each row, indented, instead of being shortened: for long values whose every part may
    /// tell rows apart (a registry key).
    var lastColumnBelow = false
    /// Columns never shortened below this many characters when fitting a width.
    static let minimumColumn = 10

    /// The rows under their headers; with a `width`, the widest columns are shortened in the
    /// middle (`/etc/nginx/…/default.conf`) until a line fits.
    func render(width: Int? = nil) -> String {
        if lastColumnBelow, let width, headers.count > 1, naturalWidth > width {
            return renderBelow(width: width)
        }
        return renderLines(width: width)
    }

    /// The widest line without shortening.
    private var naturalWidth: Int {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        return widths.reduce(2 * max(0, widths.count - 1), +)
    }

    /// Every column but the last as a table; the last under each row, indented by two.
    private func renderBelow(width: Int) -> String {
        let last = headers.count - 1
        let front = Table(headers: Array(headers.prefix(last)), rows: rows.map { Array($0.prefix(last)) })
        let lines = front.renderLines(width: width).split(separator: "\n", omittingEmptySubsequences: false)
        let details = TableShortening.shortened(
            rows.map { TerminalText.escaped(last < $0.count ? $0[last] : "") }, to: max(Self.minimumColumn, width - 2))
        var out = [String(lines[0]), "  " + headers[last]]
        for (index, line) in lines.dropFirst().enumerated() {
            out.append(String(line))
            out.append("  " + details[index])
        }
        return out.joined(separator: "\n")
    }

    private func renderLines(width: Int?) -> String {
        // A cell is one line: a newline or an escape sequence in a scanned name is shown, not obeyed.
        var rows = rows.map { $0.map(TerminalText.escaped) }
        var widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        if let width { widths = Self.fit(widths, headers: headers, into: width) }
        for column in widths.indices {
            let cells = rows.map { column < $0.count ? $0[column] : "" }
            guard cells.contains(where: { $0.count > widths[column] }) else { continue }
            let shortened = TableShortening.shortened(cells, to: widths[column])
            for index in rows.indices where column < rows[index].count { rows[index][column] = shortened[index] }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                index == cells.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }

    /// Takes characters from the widest column, one at a time, until the line fits or every
    /// column is at its minimum (then the line is left longer than the terminal).
    static func fit(_ widths: [Int], headers: [String], into width: Int) -> [Int] {
        var widths = widths
        let separators = 2 * max(0, widths.count - 1)
        var overflow = widths.reduce(separators, +) - width
        while overflow > 0 {
            let candidates = widths.indices.filter { widths[$0] > max(minimumColumn, headers[$0].count) }
            guard let widest = candidates.max(by: { widths[$0] < widths[$1] }) else { break }
            let floor = max(minimumColumn, headers[widest].count)
            let next = candidates.filter { $0 != widest }.map { widths[$0] }.max() ?? floor
            let cut = min(overflow, widths[widest] - max(floor, next - 1))
            widths[widest] -= max(1, cut)
            overflow -= max(1, cut)
        }
        return widths
    }

}

/// `--wide`: tables fit the terminal unless asked not to; output to a pipe is never shortened.
struct TableLayout: ParsableArguments {
    @Flag(help: "Do not shorten columns to fit the terminal.") var wide = false

    var width: Int? { wide ? nil : Terminal.columns }
}

extension Terminal {
    /// The terminal's width when standard output is one (COLUMNS wins, as in most tools).
    static var columns: Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        if let text = ProcessInfo.processInfo.environment["COLUMNS"], let value = Int(text), value > 0 {
            return value
        }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
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
        Terminal.exact(compactEmpty(String(decoding: try encoder.encode(value), as: UTF8.self)))
    }

    /// Foundation pretty-prints an empty list or object over three lines (`[`, a blank line,
    /// `]`); written `[]` and `{}` here. A raw line break only ever stands between tokens
    /// (strings escape theirs), so this never touches a value.
    static func compactEmpty(_ text: String) -> String {
        text.replacingOccurrences(of: #"\[\n\s*\n\s*\]"#, with: "[]", options: .regularExpression)
            .replacingOccurrences(of: #"\{\n\s*\n\s*\}"#, with: "{}", options: .regularExpression)
    }
}
