import Foundation

/// What a token may do: read only, or also start, stop and change things; an agent token only
/// enrols machines (`runbook agent --token`) and is refused by the API and the portal.
public enum TokenRole: String, Sendable, Hashable, Codable, CaseIterable {
    case reader
    case contributor
    case agent

    /// Whether requests that change state are allowed.
    public var canWrite: Bool { self == .contributor }
}

/// A bearer token as the account keeps it: never its secret, which only the person who created
/// it holds (the store keeps the secret's SHA-256).
public struct TokenInfo: Sendable, Hashable {
    /// Whether a token can be used now.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case active, expired, revoked
    }

    /// The public part of the token text (`rbk_ID_SECRET`), safe to log.
    public var id: String
    public var name: String
    public var role: TokenRole
    public var createdAt: Date
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    public init(
        id: String, name: String, role: TokenRole, createdAt: Date, expiresAt: Date? = nil, revokedAt: Date? = nil,
        lastUsedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    /// Revoked wins over expired: it is the state someone chose.
    public func state(at now: Date) -> State {
        if revokedAt != nil { return .revoked }
        if let expiresAt, expiresAt <= now { return .expired }
        return .active
    }

    public func isUsable(at now: Date) -> Bool { state(at: now) == .active }
}
