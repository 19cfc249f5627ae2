import CYAML

/// Builds nodes from events; one open frame per unfinished collection.
struct TreeBuilder {
    private enum Frame {
        case sequence(Node, items: [Node])
        case mapping(Node, pairs: [Node.Pair], pendingKey: Node?, seen: [String: Mark])
    }

    let limits: ParseLimits
    private(set) var documents: [Node] = []
    private var stack: [Frame] = []
    private var anchors: [String: (node: Node, size: Int)] = [:]
    /// Sizes of the open collections, so an anchored collection's expanded size is known.
    private var openSizes: [Int] = []
    private var expandedTotal = 0
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
            expandedTotal = 0
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let node = Node(
                .scalar(text, Self.style(scalar.style)),
                mark: mark,
                tag: Self.string(scalar.tag),
                anchor: Self.string(scalar.anchor)
            )
            try count(1, at: mark)
            try add(node, size: 1)
        case YAML_ALIAS_EVENT:
            let name = Self.string(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw YAMLError(.undefinedAlias(name), at: mark)
            }
            try count(anchored.size, at: mark)
            try add(anchored.node, size: anchored.size)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            try open(mark: mark)
            try count(1, at: mark)
            let node = Node(.sequence([]), mark: mark, tag: Self.string(start.tag), anchor: Self.string(start.anchor))
            stack.append(.sequence(node, items: []))
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            try open(mark: mark)
            try count(1, at: mark)
            let node = Node(.mapping([]), mark: mark, tag: Self.string(start.tag), anchor: Self.string(start.anchor))
            stack.append(.mapping(node, pairs: [], pendingKey: nil, seen: [:]))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            try close()
        default:
            break
        }
    }

    private mutating func open(mark: Mark) throws(YAMLError) {
        guard stack.count < limits.maxDepth else {
            throw YAMLError(.tooDeep(limit: limits.maxDepth), at: mark)
        }
        openSizes.append(1)
    }

    private mutating func count(_ size: Int, at mark: Mark) throws(YAMLError) {
        expandedTotal += size
        if expandedTotal > limits.maxExpandedNodes {
            throw YAMLError(.aliasExpansion(limit: limits.maxExpandedNodes), at: mark)
        }
    }

    private mutating func close() throws(YAMLError) {
        guard let frame = stack.popLast() else { return }
        let size = openSizes.popLast() ?? 1
        var node: Node
        switch frame {
        case .sequence(let shell, let items):
            node = shell
            node.kind = .sequence(items)
        case .mapping(let shell, let pairs, _, _):
            node = shell
            node.kind = .mapping(pairs)
        }
        try add(node, size: size)
    }

    private mutating func add(_ node: Node, size: Int) throws(YAMLError) {
        if let anchor = node.anchor {
            anchors[anchor] = (node, size)
        }
        guard var frame = stack.popLast() else {
            documents.append(node)
            return
        }
        if !openSizes.isEmpty { openSizes[openSizes.count - 1] += size }
        switch frame {
        case .sequence(let shell, var items):
            items.append(node)
            frame = .sequence(shell, items: items)
        case .mapping(let shell, var pairs, let pendingKey, var seen):
            if let key = pendingKey {
                pairs.append(Node.Pair(key: key, value: node))
                frame = .mapping(shell, pairs: pairs, pendingKey: nil, seen: seen)
            } else {
                if let text = node.scalarText {
                    if let first = seen[text] {
                        throw YAMLError(.duplicateKey(text, first: first), at: node.mark)
                    }
                    seen[text] = node.mark
                }
                frame = .mapping(shell, pairs: pairs, pendingKey: node, seen: seen)
            }
        }
        stack.append(frame)
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
