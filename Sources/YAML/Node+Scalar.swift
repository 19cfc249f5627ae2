/// A scalar's value under the YAML 1.2 core schema: only plain scalars are typed,
/// and only `true`/`false` are booleans (not `yes`/`on`, which surprise people).
public enum ScalarValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
}

extension Node {
    /// The typed value of a scalar node, or nil for collections.
    public var resolvedScalar: ScalarValue? {
        guard case .scalar(let text, let style) = kind else { return nil }
        if let tag {
            switch tag {
            case "tag:yaml.org,2002:str", "!!str": return .string(text)
            case "tag:yaml.org,2002:int", "!!int": return Int(text).map(ScalarValue.int) ?? .string(text)
            case "tag:yaml.org,2002:bool", "!!bool": return Self.bool(text).map(ScalarValue.bool) ?? .string(text)
            case "tag:yaml.org,2002:null", "!!null": return .null
            default: return .string(text)
            }
        }
        guard style == .plain else { return .string(text) }
        return Self.resolvePlain(text)
    }

    static func resolvePlain(_ text: String) -> ScalarValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        default: break
        }
        if let bool = bool(text) { return .bool(bool) }
        if let int = integer(text) { return .int(int) }
        if looksNumeric(text), let double = Double(text) { return .double(double) }
        return .string(text)
    }

    private static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    private static func integer(_ text: String) -> Int? {
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        return Int(text)
    }

    private static func looksNumeric(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        return first == "-" || first == "+" || first == "." || ("0"..."9").contains(first)
    }
}
