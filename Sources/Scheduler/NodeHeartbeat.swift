import Automation
import Foundation
import Logging
import ServiceLifecycle

/// The embedded scheduler's (and `runbook serve`'s) part as a node of its store: it registers,
/// and every third of its lease heartbeats, which leases the jobs this process runs and renews
/// those leases, then recovers the jobs of nodes that stopped heartbeating (docs/ARCHITECTURE.md, "Nodes").
/// Its jobs run in the scheduler's own slots (`SchedulerService`); the node that recovers a job
/// whose lease lapsed (its process paused past the lease) logs it.
public struct NodeHeartbeat: Service {
    let store: any HybridWorkerStoring
    let settings: NodeSettings
    let logger: Logger
    /// Registered before the group started (`runbook serve` checks its id before it listens).
    let registered: Bool

    public init(store: any HybridWorkerStoring, settings: NodeSettings, logger: Logger, registered: Bool = false) {
        self.store = store
        self.settings = settings
        self.logger = logger
        self.registered = registered
    }

    public func run() async throws {
        var log = logger
        log[metadataKey: "node.id"] = "\(settings.id)"
        if !registered {
            guard try await NodeService.register(store, settings, log) else { return }
        }
        log.info("node registered", metadata: ["lease.seconds": "\(settings.lease.components.seconds)"])
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                _ = try await store.heartbeat(node: settings.id, lease: settings.lease)
                for job in try await store.recoverExpiredLeases() {
                    log.warning(
                        "recovered a job whose node stopped heartbeating",
                        metadata: ["job.id": "\(job.id)", "job.status": "\(job.status.rawValue)"])
                }
                for job in try await store.suspendJobsWithoutWorkers(waitedLongerThan: settings.workerWait) {
                    log.warning(
                        "suspended a job whose hybrid worker group has had no worker",
                        metadata: ["job.id": "\(job.id)", "window": "\(settings.workerWait)"])
                }
            } catch StoreError.notFound {
                // The node's row is gone (deleted by hand): register again.
                _ = try? await NodeService.register(store, settings, log)
            } catch {
                log.error("heartbeat failed", metadata: ["error": "\(error)"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.heartbeat) }
        }
        // A clean stop frees the id at once for the next process (none waits out a lease).
        try? await store.stopNode(id: settings.id)
    }

}
