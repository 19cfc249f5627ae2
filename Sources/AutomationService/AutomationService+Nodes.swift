import Automation
import Foundation
import PostgresStore

/// `runbook nodes list`: the nodes sharing a PostgreSQL store, their heartbeats and jobs.
extension AutomationService {
    /// Nodes by id; the embedded store has none (it is one host's), which is `.invalid` saying so.
    public static func nodes(_ location: StoreLocation) async throws(ServiceError) -> [NodeInfo] {
        guard case .postgres(let location) = location else {
            throw .invalid(
                "the embedded store at \(location) has no nodes: nodes share a PostgreSQL store "
                    + "(--store postgresql://USER@HOST:PORT/DB)", target: "--store")
        }
        do {
            return try await PostgresStore.withStore(at: location) { try await $0.nodes() }
        } catch {
            throw storeError(error)
        }
    }
}
