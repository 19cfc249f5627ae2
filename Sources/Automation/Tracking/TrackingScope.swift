import Foundation

/// Which machines an "all available and future machines" scope covers.
public struct ScopeFilter: Sendable, Hashable, Codable {
    public var os: OSFamily?
    public var location: String?
    public var subscription: String?
    public var tags: [String: String]

    public init(os: OSFamily? = nil, location: String? = nil, subscription: String? = nil, tags: [String: String] = [:])
    {
        self.os = os
        self.location = location
        self.subscription = subscription
        self.tags = tags
    }
}

public struct TrackingScope: Sendable, Hashable {
    public var account: String
    public var solution: Solution
    public var filter: ScopeFilter

    public init(account: String, solution: Solution, filter: ScopeFilter) {
        self.account = account
        self.solution = solution
        self.filter = filter
    }
}
