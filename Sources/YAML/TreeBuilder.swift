import CYAML

/// Builds nodes from events; one open frame per unfinished collection.
///
/// Frames are reference types so that appending a child mutates in place (an enum of arrays
/// would copy the array on every append).
struct TreeBuilder {
    private final class Frame {
        let shell: Node
        let isMapping: Bool
        var items: [Node] = []
        var pairs: [Node.Pair] = []
        var pendingKey: Node?
        /// Keys seen so far, built only once a mapping grows past a few keys.
        var index: [String: Mark]?
        /// Expanded size of this collection so far (itself included).
        var size = Expansion(nodes: 1, bytes: 0)

        init(shell: Node, isMapping: Bool) {
            self.shell = shell
            self.isMapping = isMapping
        }

        /// Where `key` was first used in this mapping, if it was.
        func firstUse(of key: String) -> Mark? {
            if let index { return index[key] }
            for pair in pairs where pair.key.scalarText == key { return pair.key.mark }
            return nil
        }

        func remember(_ key: String, at mark: Mark) {
            if index != nil {
                index?[key] = mark
            } else if pairs.count >= 16 {
                // Large mappings switch to a dictionary so duplicate checks stay O(1).
                var built: [String: Mark] = [:]
                for pair in pairs { if let text = pair.key.scalarText { built[text] = pair.key.mark } }
                built[key] = mark
                index = built
            }
        }
    }

    let limits: ParseLimits
    private(set) var documents: [Node] = []
    private var stack: [Frame] = []
    private var anchors: [String: (node: Node, size: Expansion)] = [:]
    private var expandedTotal = Expansion(nodes: 0, bytes: 0)
    /// What the document holds itself, aliases not expanded: when this alone is over a limit,
    /// the document is too large, not an alias bomb.
    private var writtenTotal = Expansion(nodes: 0, bytes: 0)
    private var documentCount = 0

    init(limits: ParseLimits) {
        self.limits = limits
    }

    mutating func consume(_ event: yaml_event_t) throws(YAMLError) {
        let mark = YAMLParser.mark(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documentCount += 1
            if documentCount > 1 && !limits.allowsMultipleDocuments {
                throw YAMLError(.multipleDocuments, at: mark)
            }
            anchors.removeAll()
            expandedTotal = Expansion(nodes: 0, bytes: 0)
            writtenTotal = Expansion(nodes: 0, bytes: 0)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let node = Node(
                .scalar(text, Self.style(scalar.style)),
                mark: mark,
                tag: Self.string(scalar.tag),
                anchor: Self.string(scalar.anchor)
            )
            let size = Expansion(nodes: 1, bytes: scalar.length)
            try count(size, written: true, at: mark)
            try add(node, size: size)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw YAMLError(.undefinedAlias(name), at: mark)
            }
            try count(anchored.size, written: false, at: mark)
            try add(anchored.node, size: anchored.size)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            try open(
                Node(.sequence([]), mark: mark, tag: Self.string(start.tag), anchor: Self.string(start.anchor)),
                isMapping: false)
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            try open(
                Node(.mapping([]), mark: mark, tag: Self.string(start.tag), anchor: Self.string(start.anchor)),
                isMapping: true)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            try close()
        default:
            break
        }
    }

    private mutating func open(_ shell: Node, isMapping: Bool) throws(YAMLError) {
        guard stack.count < limits.maxDepth else {
            throw YAMLError(.tooDeep(limit: limits.maxDepth), at: shell.mark)
        }
        try count(Expansion(nodes: 1, bytes: 0), written: true, at: shell.mark)
        stack.append(Frame(shell: shell, isMapping: isMapping))
    }

    /// Adds to the document's expanded size; sizes are capped by the limits before they could
    /// overflow, since every addend was itself checked.
    /// `written` is false for an alias. The message says which limit was passed: the
    /// document's own size, or what its aliases expand to.
    private mutating func count(_ size: Expansion, written: Bool, at mark: Mark) throws(YAMLError) {
        expandedTotal.nodes += size.nodes
        expandedTotal.bytes += size.bytes
        if written {
            writtenTotal.nodes += size.nodes
            writtenTotal.bytes += size.bytes
        }
        if expandedTotal.nodes > limits.maxExpandedNodes {
            let limit = limits.maxExpandedNodes
            throw YAMLError(
                writtenTotal.nodes > limit ? .tooManyNodes(limit: limit) : .aliasExpansion(limit: limit), at: mark)
        }
        if expandedTotal.bytes > limits.maxExpandedBytes {
            let limit = limits.maxExpandedBytes
            throw YAMLError(
                writtenTotal.bytes > limit ? .tooMuchText(limit: limit) : .aliasExpansionBytes(limit: limit), at: mark)
        }
    }

    private mutating func close() throws(YAMLError) {
        guard let frame = stack.popLast() else { return }
        var node = frame.shell
        node.kind = frame.isMapping ? .mapping(frame.pairs) : .sequence(frame.items)
        try add(node, size: frame.size)
    }

    private mutating func add(_ node: Node, size: Expansion) throws(YAMLError) {
        if let anchor = node.anchor {
            anchors[anchor] = (node, size)
        }
        guard let frame = stack.last else {
            documents.append(node)
            return
        }
        frame.size.nodes += size.nodes
        frame.size.bytes += size.bytes
        if !frame.isMapping {
            frame.items.append(node)
        } else if let key = frame.pendingKey {
            frame.pairs.append(Node.Pair(key: key, value: node))
            frame.pendingKey = nil
        } else {
            if let text = node.scalarText {
                if let first = frame.firstUse(of: text) {
                    throw YAMLError(.duplicateKey(text, first: first), at: node.mark)
                }
                frame.remember(text, at: node.mark)
            }
            frame.pendingKey = node
        }
    }

    private static func style(_ style: yaml_scalar_style_t) -> Node.ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }
}

/// How much a node stands for once its aliases are expanded: nodes, and bytes of scalar text.
struct Expansion {
    var nodes: Int
    var bytes: Int
}
