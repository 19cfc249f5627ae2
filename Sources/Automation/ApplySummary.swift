/// What applying an automation file changed: the items created and those updated.
public struct ApplySummary: Sendable, Hashable {
    public var created: [String] = []
    public var updated: [String] = []

    public init(created: [String] = [], updated: [String] = []) {
        self.created = created
        self.updated = updated
    }
}
