import Automation
import Foundation
import PostgresStore

/// The service over a PostgreSQL store for one command: the use cases that run on the store
/// protocols (tokens, the API's resources) work as on the embedded store.
extension AutomationService {
    /// Connects (a connection problem is `StoreError.cannotOpen` in plain words), brings the
    /// schema up to date, and gives `body` the service until it returns.
    public static func withShared<T: Sendable>(
        _ location: PostgresLocation, mustExist: Bool = false, _ body: (AutomationService) async throws -> T
    ) async throws -> T {
        try await PostgresStore.withStore(at: location, requireExisting: mustExist) { store in
            try await body(AutomationService(postgres: store))
        }
    }

    /// Creates `account` with its workspace, as the default, when the shared store has no account
    /// yet (a team that authors straight into PostgreSQL); true when this call created it. Two
    /// nodes starting together create it once.
    public func ensureSharedAccount(_ account: Account, workspace: Workspace) async throws(ServiceError) -> Bool {
        do {
            guard try await accountStore.accounts().isEmpty else { return false }
            try await accountStore.createAccount(account, workspace: workspace, makeDefault: true, at: now())
            return true
        } catch StoreError.alreadyExists {
            return false
        } catch {
            throw Self.storeError(error)
        }
    }
}
