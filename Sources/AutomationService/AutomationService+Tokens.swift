import Automation
import AutomationStore
import Foundation

/// Bearer tokens: created and shown once, stored as a hash, checked on every API request.
extension AutomationService {
    /// A token's last use is written at most this often, so that reads do not become writes.
    public static let tokenUseInterval: TimeInterval = 60

    /// Creates a token. `secret` is the whole bearer token text (`rbk_ID_SECRET`): it is shown
    /// once, here, and only its secret part's SHA-256 is stored. Without `expiresIn` the token
    /// never expires; otherwise it must be longer than zero and at most `DurationText.maximum`.
    public func createToken(
        name: String, role: TokenRole = .contributor, expiresIn: Duration? = nil
    ) async throws(ServiceError) -> (token: TokenInfo, secret: String) {
        if let problem = ResourceName.problem(name, kind: "token") { throw .invalid(problem, target: "name") }
        let now = now()
        var expiresAt: Date?
        if let expiresIn {
            guard expiresIn > .zero, expiresIn <= DurationText.maximum else {
                throw .invalid(
                    "a token's lifetime must be longer than zero and at most \(DurationText.maximumText), "
                        + "such as 90d; without one it never expires",
                    target: "expiresIn")
            }
            let (seconds, attoseconds) = expiresIn.components
            expiresAt = now.addingTimeInterval(TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18)
        }
        let (id, secret) = ApiToken.generate()
        let token = TokenInfo(id: id, name: name, role: role, createdAt: now, expiresAt: expiresAt)
        do {
            try await tokenStore.createToken(token, secretHash: ApiToken.hash(secret: secret))
        } catch {
            throw Self.storeError(error)
        }
        return (token, ApiToken.text(id: id, secret: secret))
    }

    /// A lifetime as people write it (`90d`, `12h`), bounded as `createToken` wants it.
    public static func tokenLifetime(_ text: String) throws(ServiceError) -> Duration {
        let duration: Duration
        do {
            duration = try DurationText.read(text)
        } catch {
            throw .invalid("token lifetime: \(error)", target: "expiresIn")
        }
        guard duration > .zero else {
            throw .invalid("token lifetime '\(text)' must be longer than zero, such as 90d", target: "expiresIn")
        }
        return duration
    }

    /// Every token by name (never a secret: the store has none).
    public func tokens() async throws(ServiceError) -> [TokenInfo] {
        do {
            return try await tokenStore.tokens()
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Revokes a token at once; revoking it again keeps the first time.
    public func revokeToken(named name: String) async throws(ServiceError) {
        let revoked: Bool
        do {
            revoked = try await tokenStore.revokeToken(named: name, at: now())
        } catch {
            throw Self.storeError(error)
        }
        guard revoked else {
            let names = ((try? await tokenStore.tokens()) ?? []).map(\.name)
            throw .notFound(kind: "token", name: name, hint: Suggestion.hint(for: name, among: names))
        }
        cache.clear()
    }

    /// The token an `Authorization` header carries (`Bearer rbk_ID_SECRET`), or `.unauthorized`
    /// saying which check failed, never echoing what was sent. Records the use at most once a
    /// `tokenUseInterval`.
    /// An agent token only enrols machines: the API and the portal refuse it.
    public func authenticate(authorization: String?) async throws(ServiceError) -> TokenInfo {
        let token = try await verifiedToken(authorization: authorization)
        guard token.role != .agent else {
            throw .forbidden(
                "the token '\(token.name)' is an agent token: it only enrols machines (runbook agent --token); "
                    + "use a reader or contributor token for the API")
        }
        return token
    }

    /// The token of an `Authorization` header, whatever its role, checked as `authenticate` does.
    func verifiedToken(authorization: String?) async throws(ServiceError) -> TokenInfo {
        let header = (authorization ?? "").trimmingCharacters(in: .whitespaces)
        guard !header.isEmpty else {
            throw .unauthorized(
                "no bearer token: send 'Authorization: Bearer TOKEN' with a token from 'runbook token create'")
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw .unauthorized("invalid token: the Authorization header is not 'Bearer TOKEN'")
        }
        guard let (id, secret) = ApiToken.parse(parts[1].trimmingCharacters(in: .whitespaces)) else {
            throw .unauthorized("invalid token: not a runbook token (rbk_ID_SECRET)")
        }
        let credential: TokenCredential?
        if let cached = cache.credential(id, now: now()) {
            credential = cached
        } else {
            do {
                credential = try await tokenStore.tokenCredential(id: id)
            } catch {
                // A store that cannot be reached says nothing about the token: try again later (503).
                let failure = Self.storeError(error)
                if case .storeUnreachable = failure { throw failure }
                throw .unauthorized("invalid token: it cannot be checked (\(failure))")
            }
            cache.store(credential, id: id, now: now())
        }
        // An unknown id costs the same comparison as a wrong secret.
        let presented = ApiToken.hash(secret: secret)
        let matches = ApiToken.constantTimeEqual(presented, credential?.secretHash ?? String(repeating: "0", count: 64))
        guard let credential, matches else {
            throw .unauthorized("invalid token: unknown or wrong; create one with 'runbook token create NAME'")
        }
        var token = credential.token
        let now = now()
        switch token.state(at: now) {
        case .revoked:
            throw .unauthorized("token revoked: the token '\(token.name)' can no longer be used")
        case .expired:
            throw .unauthorized(
                "token expired: the token '\(token.name)' expired at "
                    + "\((token.expiresAt ?? now).formatted(.iso8601)); create a new one")
        case .active:
            break
        }
        if token.lastUsedAt.map({ now.timeIntervalSince($0) >= Self.tokenUseInterval }) ?? true {
            // A failed write must not fail a request that is otherwise allowed.
            let since = now.addingTimeInterval(-Self.tokenUseInterval)
            if (try? await tokenStore.markTokenUsed(id: token.id, at: now, unlessUsedAfter: since)) == true {
                token.lastUsedAt = now
            }
        }
        return token
    }

    /// A reader token may only read; `write` is true for a request that changes state.
    public func authorize(_ token: TokenInfo, write: Bool) throws(ServiceError) {
        guard write, !token.role.canWrite else { return }
        throw .forbidden(
            "the token '\(token.name)' is read-only (\(token.role.rawValue)); this request changes state "
                + "and needs a contributor token")
    }
}
