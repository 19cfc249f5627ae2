/// A YAML node with the position where it starts in the source.
///
/// Aliases are resolved to the anchored node while parsing; because arrays are
/// copy-on-write, an alias shares storage with its anchor instead of copying it.
public struct Node: Sendable {
    public enum Kind: Sendable {
        case scalar(String, ScalarStyle)
        case sequence([Node])
        case mapping([Pair])
    }

    public struct Pair: Sendable {
        public var key: Node
        public var value: Node

        public init(key: Node, value: Node) {
            self.key = key
            self.value = value
        }
    }

    public enum ScalarStyle: Sendable, Hashable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    public var kind: Kind
    public var mark: Mark
    /// Tag and anchor together, since most nodes have neither: one reference to copy, not two.
    private var properties: Properties?

    private final class Properties: Sendable {
        let tag: String?
        let anchor: String?

        init(tag: String?, anchor: String?) {
            self.tag = tag
            self.anchor = anchor
        }
    }

    /// An explicit tag such as `!!str`, if the source wrote one.
    public var tag: String? { properties?.tag }
    /// The anchor name, if the source wrote `&name` on this node.
    public var anchor: String? { properties?.anchor }

    public init(_ kind: Kind, mark: Mark, tag: String? = nil, anchor: String? = nil) {
        self.kind = kind
        self.mark = mark
        self.properties = tag == nil && anchor == nil ? nil : Properties(tag: tag, anchor: anchor)
    }

    /// The scalar text, or nil for a sequence or mapping.
    public var scalarText: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    public var sequence: [Node]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    public var mapping: [Pair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    /// The value for a scalar key in a mapping node.
    public subscript(key: String) -> Node? {
        mapping?.first { $0.key.scalarText == key }?.value
    }

    /// A short noun for messages: "a string", "a list", "a mapping".
    public var kindDescription: String {
        switch kind {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar:
            switch resolvedScalar {
            case .null: return "null"
            case .bool: return "a boolean"
            case .int: return "an integer"
            case .double: return "a number"
            case .string, .none: return "a string"
            }
        }
    }
}
