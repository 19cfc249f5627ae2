import Automation
import Foundation
import PostgresStore

/// The service over a PostgreSQL store for one command: the use cases that run on the store
/// protocols (tokens, the API's resources) work as on the embedded store.
extension AutomationService {
    /// Connects (a connection problem is `StoreError.cannotOpen` in plain words), brings the
    /// schema up to date, and gives `body` the service until it returns.
    public static func withShared<T: Sendable>(
        _ location: PostgresLocation, _ body: (AutomationService) async throws -> T
    ) async throws -> T {
        try await PostgresStore.withStore(at: location) { store in
            try await body(AutomationService(shared: store))
        }
    }
}
