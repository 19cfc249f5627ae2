import Foundation

/// A page of `ConfigurationChange` rows for the portal's timeline: filters, and a keyset cursor
/// (the last row of the previous page) so that page 10,000 costs what page 1 costs.
public struct ChangePageQuery: Sendable {
    public var machine: String?
    public var type: ConfigType?
    public var category: ChangeCategory?
    public var since: Date?
    public var until: Date?
    /// Matched (case-insensitively, as a substring) against the item's key and the computer.
    public var text: String?
    /// The id of the last row of the previous page (the cursor); nil for the first page.
    public var before: Int64?
    public var limit: Int

    public init(
        machine: String? = nil, type: ConfigType? = nil, category: ChangeCategory? = nil, since: Date? = nil,
        until: Date? = nil, text: String? = nil, before: Int64? = nil, limit: Int = 50
    ) {
        self.machine = machine
        self.type = type
        self.category = category
        self.since = since
        self.until = until
        self.text = text
        self.before = before
        self.limit = limit
    }
}

/// Changes of one type in one time bucket (the timeline chart).
public struct ChangeCount: Sendable, Hashable {
    /// The bucket's start, in seconds since 1970.
    public var bucket: Int64
    public var type: ConfigType
    public var count: Int

    public init(bucket: Int64, type: ConfigType, count: Int) {
        self.bucket = bucket
        self.type = type
        self.count = count
    }
}

/// Changes of one type in one time range, counted for the timeline chart.
public struct ChangeSlot: Sendable, Hashable {
    public var type: ConfigType
    public var from: Date
    public var to: Date

    public init(type: ConfigType, from: Date, to: Date) {
        self.type = type
        self.from = from
        self.to = to
    }
}

/// A machine as the portal's list shows it: read from its columns alone (no JSON decoded),
/// with when each solution was enabled.
public struct MachineListRow: Sendable, Hashable {
    public var name: String
    public var os: String
    public var subscription: String
    public var resourceGroup: String
    public var location: String
    public var route: String
    public var gateway: String?
    public var changeTracking: Date?
    public var inventory: Date?

    public init(
        name: String, os: String, subscription: String, resourceGroup: String, location: String, route: String,
        gateway: String?, changeTracking: Date?, inventory: Date?
    ) {
        self.name = name
        self.os = os
        self.subscription = subscription
        self.resourceGroup = resourceGroup
        self.location = location
        self.route = route
        self.gateway = gateway
        self.changeTracking = changeTracking
        self.inventory = inventory
    }
}
