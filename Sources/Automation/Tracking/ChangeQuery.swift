import Foundation

/// A stored `ConfigurationChange` row.
public struct ChangeRow: Sendable, Hashable {
    public var id: Int64
    public var computer: String
    public var timeGenerated: Date
    public var change: ItemChange
    public var jobId: String?

    public init(id: Int64, computer: String, timeGenerated: Date, change: ItemChange, jobId: String?) {
        self.id = id
        self.computer = computer
        self.timeGenerated = timeGenerated
        self.change = change
        self.jobId = jobId
    }
}

/// A stored `ConfigurationData` row.
public struct InventoryRow: Sendable, Hashable {
    public var computer: String
    public var timeGenerated: Date
    public var item: InventoryItem

    public init(computer: String, timeGenerated: Date, item: InventoryItem) {
        self.computer = computer
        self.timeGenerated = timeGenerated
        self.item = item
    }
}

/// Which `ConfigurationChange` rows a query returns, newest first.
public struct ChangeFilter: Sendable, Hashable {
    public var machine: String?
    public var type: ConfigType?
    public var category: ChangeCategory?
    public var since: Date?
    public var jobId: String?
    public var limit: Int?

    public init(
        machine: String? = nil, type: ConfigType? = nil, category: ChangeCategory? = nil, since: Date? = nil,
        jobId: String? = nil, limit: Int? = nil
    ) {
        self.machine = machine
        self.type = type
        self.category = category
        self.since = since
        self.jobId = jobId
        self.limit = limit
    }
}
