/// Bounds that keep a hostile document from exhausting time or memory.
public struct ParseLimits: Sendable, Hashable {
    /// Largest accepted source, in bytes.
    public var maxBytes: Int
    /// Deepest accepted nesting of sequences and mappings.
    public var maxDepth: Int
    /// Largest accepted node count, the document's own and once every alias is expanded
    /// (billion-laughs guard); the error says which of the two was passed.
    public var maxExpandedNodes: Int
    /// Largest accepted scalar text, in bytes, once every alias is expanded: a few aliases of a
    /// large anchored string would pass the node count yet make every consumer walk gigabytes.
    public var maxExpandedBytes: Int
    /// Whether a stream may hold more than one document.
    public var allowsMultipleDocuments: Bool

    public init(
        maxBytes: Int = 4 * 1024 * 1024,
        maxDepth: Int = 64,
        maxExpandedNodes: Int = 100_000,
        maxExpandedBytes: Int = 16 * 1024 * 1024,
        allowsMultipleDocuments: Bool = false
    ) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxExpandedNodes = maxExpandedNodes
        self.maxExpandedBytes = maxExpandedBytes
        self.allowsMultipleDocuments = allowsMultipleDocuments
    }

    public static let `default` = ParseLimits()
}
