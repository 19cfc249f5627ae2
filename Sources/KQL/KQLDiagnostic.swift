import Foundation

/// A located error in a query: `query:1:34: error: unknown column 'FilePath' (did you mean
/// 'FileSystemPath'?)`. Lines and columns count from 1 (columns in characters); `offset` and
/// `length` are in UTF-8 bytes of the query text.
public struct KQLDiagnostic: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The text is not KQL of the supported subset (a token, an operator, a missing part).
        case syntax
        /// The text parses but means nothing here (a table, column, function or type).
        case semantic
    }

    public var line: Int
    public var column: Int
    public var offset: Int
    public var length: Int
    public var message: String
    public var kind: Kind

    public init(line: Int, column: Int, offset: Int, length: Int, message: String, kind: Kind) {
        self.line = line
        self.column = column
        self.offset = offset
        self.length = length
        self.message = message
        self.kind = kind
    }

    public var description: String { "query:\(line):\(column): error: \(message)" }
    public var errorDescription: String? { description }
}

/// Where something stands in the query text (UTF-8 byte offsets).
struct SourceRange: Sendable, Equatable {
    var offset: Int
    var length: Int
}

/// Builds located diagnostics from byte offsets of one query text.
struct SourceText: Sendable {
    let bytes: [UInt8]

    func diagnostic(_ message: String, at range: SourceRange, kind: KQLDiagnostic.Kind) -> KQLDiagnostic {
        let end = min(max(range.offset, 0), bytes.count)
        var line = 1
        var column = 1
        var index = 0
        while index < end {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return KQLDiagnostic(
            line: line, column: column, offset: range.offset, length: range.length, message: message, kind: kind)
    }
}
