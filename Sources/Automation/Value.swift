/// A typed value: a parameter, an action input, a resolved template.
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case string(String)
    case int(Int)
    case bool(Bool)
    case list([Value])
    case map([Entry])

    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: Value

        public init(_ key: String, _ value: Value) {
            self.key = key
            self.value = value
        }
    }

    public var description: String {
        switch self {
        case .null: return "null"
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return String(flag)
        case .list(let items): return "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .map(let entries): return "{" + entries.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    public var typeName: String {
        switch self {
        case .null: return "null"
        case .string: return "string"
        case .int: return "int"
        case .bool: return "bool"
        case .list: return "list"
        case .map: return "mapping"
        }
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The text of a non-empty string. An optional string parameter left at its default ""
    /// stands for "not given", so inputs read it as nil.
    public var nonEmptyString: String? {
        if case .string(let text) = self, !text.isEmpty { return text }
        return nil
    }

    public var listValue: [Value]? {
        if case .list(let items) = self { return items }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    public subscript(key: String) -> Value? {
        guard case .map(let entries) = self else { return nil }
        return entries.first { $0.key == key }?.value
    }
}
