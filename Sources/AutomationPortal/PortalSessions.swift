import Automation
import Crypto
import Foundation

/// One signed-in browser: the bearer token it signed in with (checked again on every request,
/// so a revoked or expired token ends the session) and its CSRF token.
struct PortalSession: Sendable {
    var id: String
    var csrf: String
    var bearer: String
    /// The token's public id: sessions are counted per token.
    var tokenId: String
    var createdAt: Date
    var expiresAt: Date
}

/// The server's sessions, in memory: a restart signs everyone out. Keyed by a random id that
/// only the session cookie carries.
actor PortalSessions {
    /// How long a session lives after sign-in (the cookie's Max-Age).
    static let lifetime: TimeInterval = 8 * 3600
    /// Sessions kept at most; the oldest is dropped first, so a flood of sign-ins costs memory once.
    static let capacity = 10_000
    /// Sessions one token may hold: its own oldest goes first, so signing in again and again
    /// with one token never signs anyone else out.
    static let perToken = 20

    private var sessions: [String: PortalSession] = [:]
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    func create(bearer: String, tokenId: String) -> PortalSession {
        let now = now()
        let own = sessions.values.filter { $0.tokenId == tokenId }
        if own.count >= Self.perToken {
            for session in own.sorted(by: { $0.createdAt < $1.createdAt }).prefix(own.count - Self.perToken + 1) {
                sessions[session.id] = nil
            }
        }
        if sessions.count >= Self.capacity {
            sessions = sessions.filter { $0.value.expiresAt > now }
            if sessions.count >= Self.capacity,
                let oldest = sessions.min(by: { $0.value.expiresAt < $1.value.expiresAt })
            {
                sessions[oldest.key] = nil
            }
        }
        let session = PortalSession(
            id: Self.randomToken(), csrf: Self.randomToken(), bearer: bearer, tokenId: tokenId, createdAt: now,
            expiresAt: now.addingTimeInterval(Self.lifetime))
        sessions[session.id] = session
        return session
    }

    func session(id: String) -> PortalSession? {
        guard let session = sessions[id] else { return nil }
        guard session.expiresAt > now() else {
            sessions[id] = nil
            return nil
        }
        return session
    }

    func remove(id: String) {
        sessions[id] = nil
    }

    /// 32 random bytes as URL-safe text.
    static func randomToken() -> String {
        let key = SymmetricKey(size: .bits256)
        return key.withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Compares two secrets in time that does not depend on where they differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
