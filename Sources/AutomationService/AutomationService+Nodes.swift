import Automation
import AutomationStore
import Foundation
import PostgresStore

/// `runbook nodes list`: the nodes of a store (the schedulers and servers that ran on it), their
/// heartbeats and the jobs they hold.
extension AutomationService {
    /// Nodes by id, on either store (hybrid workers hold leases as nodes; `hybridWorkers` lists
    /// them, not this).
    public static func nodes(_ location: StoreLocation) async throws(ServiceError) -> [NodeInfo] {
        try await allNodes(location).filter { !$0.id.hasPrefix(HybridWorkerInfo.nodePrefix) }
    }

    private static func allNodes(_ location: StoreLocation) async throws(ServiceError) -> [NodeInfo] {
        do {
            switch location.kind {
            case .folder(let folder):
                let path = (folder as NSString).appendingPathComponent(AutomationStore.fileName)
                guard FileManager.default.fileExists(atPath: path) else {
                    throw ServiceError.notFound(kind: "store", name: path, hint: "")
                }
                return try await AsyncAutomationStore(try AutomationStore.open(folder: folder)).nodes()
            case .postgres(let location):
                return try await PostgresStore.withStore(at: location, requireExisting: true) { try await $0.nodes() }
            }
        } catch {
            throw storeError(error)
        }
    }
}
