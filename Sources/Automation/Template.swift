import YAML

/// A step input as written: literal values with `${{ params.NAME }}` references inside.
public indirect enum Template: Sendable {
    case literal(Value, Mark)
    /// A scalar that is exactly one reference: it keeps the parameter's type.
    case reference(String, Mark)
    /// Text with references inside: always a string.
    case interpolation([Part], Mark)
    case list([Template], Mark)
    case map([Entry], Mark)

    public enum Part: Sendable, Hashable {
        case text(String)
        case reference(String)
    }

    public struct Entry: Sendable {
        public var key: String
        public var keyMark: Mark
        public var value: Template

        public init(key: String, keyMark: Mark, value: Template) {
            self.key = key
            self.keyMark = keyMark
            self.value = value
        }
    }

    public var mark: Mark {
        switch self {
        case .literal(_, let mark), .reference(_, let mark), .interpolation(_, let mark),
            .list(_, let mark), .map(_, let mark):
            return mark
        }
    }

    /// Substitutes parameter values; every reference was checked when the runbook loaded.
    public func resolve(_ parameters: [String: Value]) -> Value {
        switch self {
        case .literal(let value, _):
            return value
        case .reference(let name, _):
            return parameters[name] ?? .null
        case .interpolation(let parts, _):
            return .string(
                parts.map { part in
                    switch part {
                    case .text(let text): return text
                    case .reference(let name): return parameters[name]?.description ?? ""
                    }
                }.joined()
            )
        case .list(let items, _):
            return .list(items.map { $0.resolve(parameters) })
        case .map(let entries, _):
            return .map(entries.map { Value.Entry($0.key, $0.value.resolve(parameters)) })
        }
    }
}
