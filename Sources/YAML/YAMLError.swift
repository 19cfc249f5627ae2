import Foundation

/// A YAML document that could not be read, with the position of the problem.
public struct YAMLError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    public enum Reason: Sendable, Hashable {
        /// libyaml's own problem text (scanner, parser or reader error).
        case syntax(String)
        case tooLarge(bytes: Int, limit: Int)
        case tooDeep(limit: Int)
        case aliasExpansion(limit: Int)
        case duplicateKey(String, first: Mark)
        case multipleDocuments
        case undefinedAlias(String)
        /// Not UTF-8: another encoding, or invalid bytes.
        case encoding(String)
        case aliasExpansionBytes(limit: Int)
        /// The document itself, without any alias, holds more nodes than the limit.
        case tooManyNodes(limit: Int)
        /// The document itself, without any alias, holds more scalar text than the limit.
        case tooMuchText(limit: Int)
    }

    public var reason: Reason
    public var mark: Mark

    public init(_ reason: Reason, at mark: Mark) {
        self.reason = reason
        self.mark = mark
    }

    public var message: String {
        switch reason {
        case .syntax(let problem):
            return problem
        case .tooLarge(let bytes, let limit):
            return "document is \(bytes) bytes; the limit is \(limit) bytes"
        case .tooDeep(let limit):
            return "nesting is deeper than \(limit) levels"
        case .aliasExpansion(let limit):
            return "aliases expand to more than \(limit) nodes (possible billion-laughs document)"
        case .duplicateKey(let key, let first):
            return "duplicate key '\(key)' (first defined at \(first))"
        case .multipleDocuments:
            return "more than one YAML document; a file holds exactly one"
        case .undefinedAlias(let name):
            return "alias '*\(name)' refers to an anchor that is not defined before it"
        case .encoding(let problem):
            return problem
        case .aliasExpansionBytes(let limit):
            return "aliases expand to more than \(limit) bytes of text (possible billion-laughs document)"
        case .tooManyNodes(let limit):
            return "document has more than \(limit) nodes (values, lists and mappings), the limit for one document"
        case .tooMuchText(let limit):
            return "document has more than \(limit) bytes of text in its values, the limit for one document"
        }
    }

    public var description: String { "\(mark): \(message)" }
    public var errorDescription: String? { description }
}
