import Automation
import AutomationStore
import Foundation
import Synchronization

/// What every API request reads and almost never changes (the bearer token's record, the
/// accounts), kept for `lifetime` seconds: a request then costs one store read, not three. A
/// change made by another process (a token revoked from the command line) is seen within it.
final class ServiceCache: Sendable {
    static let lifetime: TimeInterval = 1

    private struct State {
        var credentials: [String: (TokenCredential?, Date)] = [:]
        var accounts: ([AccountState], Date)?
        /// Machines whose worker has a poll waiting here (at most one each).
        var waitingPolls: Set<String> = []
    }

    /// Whether a poll of this machine's worker may wait (none of its polls waits already);
    /// `endWaiting` when it is answered.
    func startWaiting(_ machine: String) -> Bool {
        state.withLock { $0.waitingPolls.insert(machine).inserted }
    }

    func endWaiting(_ machine: String) {
        _ = state.withLock { $0.waitingPolls.remove(machine) }
    }

    private let state = Mutex(State())

    func credential(_ id: String, now: Date) -> TokenCredential?? {
        state.withLock { state in
            guard let (credential, at) = state.credentials[id], now.timeIntervalSince(at) < Self.lifetime,
                now >= at
            else { return nil }
            return .some(credential)
        }
    }

    func store(_ credential: TokenCredential?, id: String, now: Date) {
        state.withLock { state in
            // Bounded: unknown ids a client invents must not grow the cache for ever.
            if state.credentials.count > 1000 { state.credentials.removeAll() }
            state.credentials[id] = (credential, now)
        }
    }

    func accounts(now: Date) -> [AccountState]? {
        state.withLock { state in
            guard let (accounts, at) = state.accounts, now.timeIntervalSince(at) < Self.lifetime, now >= at else {
                return nil
            }
            return accounts
        }
    }

    func store(accounts: [AccountState], now: Date) {
        state.withLock { $0.accounts = (accounts, now) }
    }

    func clear() {
        state.withLock { $0 = State() }
    }
}
