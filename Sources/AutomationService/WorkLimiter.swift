import Automation
import Synchronization

/// Admits costly work (Log Analytics queries) up to a number at once overall and per token,
/// and refuses the rest at once with `ServiceError.tooManyRequests` (429 and `Retry-After` on
/// the API) rather than queueing it: a client told to come back holds nothing, where a queue
/// would hold a connection and memory per waiting request.
///
/// A reader token may use at most `overall - reservedForWriters` of the slots, so readers
/// together cannot take every slot from a contributor.
public final class WorkLimiter: Sendable {
    public struct Limits: Sendable, Equatable {
        public var overall: Int
        public var perToken: Int
        public var reservedForWriters: Int
        public var retryAfterSeconds: Int

        public init(overall: Int, perToken: Int, reservedForWriters: Int, retryAfterSeconds: Int) {
            self.overall = overall
            self.perToken = perToken
            self.reservedForWriters = reservedForWriters
            self.retryAfterSeconds = retryAfterSeconds
        }

        /// Queries: four at once (each may use a core and a store connection), two per token,
        /// one of the four kept for contributors.
        public static let queries = Limits(overall: 4, perToken: 2, reservedForWriters: 1, retryAfterSeconds: 2)
    }

    private struct State {
        var total = 0
        var readers = 0
        var byToken: [String: Int] = [:]
    }

    public let limits: Limits
    private let state = Mutex(State())

    public init(_ limits: Limits) {
        self.limits = limits
    }

    /// Runs `work` in a slot, or throws `.tooManyRequests` when none is free for `token`.
    /// Work with no token (the command line's own process) is not limited.
    public func run<T: Sendable>(
        _ what: String, token: TokenInfo?, _ work: () async throws -> T
    ) async throws -> T {
        guard let token else { return try await work() }
        try admit(what, token)
        defer { release(token) }
        return try await work()
    }

    private func admit(_ what: String, _ token: TokenInfo) throws(ServiceError) {
        let limits = self.limits
        let refusal: String? = state.withLock { state in
            if state.total >= limits.overall {
                return "\(limits.overall) \(what) are running, the most this server runs at once"
            }
            if (state.byToken[token.id] ?? 0) >= limits.perToken {
                return
                    "token '\(token.name)' has \(limits.perToken) \(what) running, the most one token may run at once"
            }
            if !token.role.canWrite, state.readers >= limits.overall - limits.reservedForWriters {
                return "reader tokens have \(state.readers) \(what) running, the most readers may run at once "
                    + "(\(limits.reservedForWriters) kept for contributors)"
            }
            state.total += 1
            if !token.role.canWrite { state.readers += 1 }
            state.byToken[token.id, default: 0] += 1
            return nil
        }
        if let refusal {
            throw .tooManyRequests(
                "\(refusal); try again in \(limits.retryAfterSeconds) s", retryAfter: limits.retryAfterSeconds)
        }
    }

    private func release(_ token: TokenInfo) {
        state.withLock { state in
            state.total -= 1
            if !token.role.canWrite { state.readers -= 1 }
            let left = (state.byToken[token.id] ?? 1) - 1
            state.byToken[token.id] = left > 0 ? left : nil
        }
    }
}
