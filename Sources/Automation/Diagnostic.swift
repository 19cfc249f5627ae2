import YAML

/// One problem found in a file, printed compiler-style: `FILE:LINE:COLUMN: error: MESSAGE`.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public var file: String
    public var mark: Mark
    public var severity: Severity
    public var message: String

    public init(file: String, mark: Mark, severity: Severity = .error, message: String) {
        self.file = file
        self.mark = mark
        self.severity = severity
        self.message = message
    }

    public var description: String { "\(file):\(mark.line):\(mark.column): \(severity.rawValue): \(message)" }
}

/// Every diagnostic found in one pass; thrown when any of them is an error.
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    /// Keeps diagnostics in file order, as a reader goes through the file.
    public init(_ diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.enumerated().sorted { lhs, rhs in
            (lhs.element.file, lhs.element.mark.line, lhs.element.mark.column, lhs.offset)
                < (rhs.element.file, rhs.element.mark.line, rhs.element.mark.column, rhs.offset)
        }.map(\.element)
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Collects diagnostics for one file while a decoder walks its nodes.
public struct DiagnosticSink: Sendable {
    public let file: String
    public private(set) var diagnostics: [Diagnostic] = []

    public init(file: String) {
        self.file = file
    }

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// This sink's diagnostics, leaving this one empty: a nested decoder takes the sink and
    /// hands it back (`Decoder(sink: sink.handOff())`, then `sink = decoder.sink.handOff()`).
    /// Copying instead would leave two owners of the
    /// array, and the decoder's first append would copy every diagnostic so far: quadratic in a
    /// file with thousands of bad entries.
    mutating func handOff() -> DiagnosticSink {
        let taken = self
        diagnostics = []
        return taken
    }

    public mutating func error(_ message: String, at mark: Mark) {
        diagnostics.append(Diagnostic(file: file, mark: mark, message: message))
    }

    public mutating func warning(_ message: String, at mark: Mark) {
        diagnostics.append(Diagnostic(file: file, mark: mark, severity: .warning, message: message))
    }

    /// Reports keys of `node` that are not in `known`, suggesting the closest known key.
    public mutating func checkKeys(of node: Node, known: [String], context: String) {
        for pair in node.mapping ?? [] {
            guard let key = pair.key.scalarText else {
                error("\(context) keys must be plain strings", at: pair.key.mark)
                continue
            }
            if !known.contains(key) {
                error(
                    "unknown key \(Quoted.clip(key)) in \(context)\(Suggestion.hint(for: key, among: known))",
                    at: pair.key.mark)
            }
        }
    }
}

/// Parses the one YAML document of a file, turning YAML errors and an empty file into diagnostics.
enum SourceDocument {
    static func root(_ bytes: [UInt8], label: String, limits: ParseLimits, whatItIs: String) throws(DiagnosticError)
        -> Node
    {
        let root: Node?
        do {
            root = try YAMLParser.parse(bytes, limits: limits)
        } catch {
            throw DiagnosticError([Diagnostic(file: label, mark: error.mark, message: error.message)])
        }
        guard let root else {
            throw DiagnosticError([
                Diagnostic(file: label, mark: Mark(line: 1, column: 1), message: "file is empty; \(whatItIs)")
            ])
        }
        return root
    }
}
