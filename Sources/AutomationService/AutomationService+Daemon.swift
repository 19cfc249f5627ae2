import Automation
import AutomationStore
import Foundation
import Logging
import RunbookEngine
import Scheduler
import ServiceLifecycle

/// The long-running services `runbook scheduler` and `runbook serve` share: the scheduler (its
/// passes and the job slots, fed also by `inbox`) and history retention.
extension AutomationService {
    /// The scheduler's pass (for one pass on its own) and the services to run in a group.
    /// `retention` nil keeps all history.
    public func daemonServices(
        library: RunbookLibrary, poll: Double, concurrency: Int, grace: Double, retention: Duration?,
        logger: Logger, inbox: JobInbox? = nil, node: NodeSettings? = nil, nodeRegistered: Bool = false
    ) throws(ServiceError) -> (tick: SchedulerTick, services: [ServiceGroupConfiguration.ServiceConfiguration]) {
        let store = try embeddedStore
        let runner = JobRunner(
            store: store, logger: logger, stopPoll: .milliseconds(250),
            interruption: "the scheduler was shut down and its \(grace)s grace period ran out")
        let tick = SchedulerTick(
            store: store, library: library, runner: runner, logger: logger, concurrency: concurrency)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(
                service: SchedulerService(
                    tick: tick, poll: .milliseconds(Int(poll * 1000)), logger: logger, inbox: inbox),
                successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "scheduler")
        ]
        services += Self.retentionServices(AsyncAutomationStore(store), retention: retention, logger: logger)
        if let node {
            // This process as a node of its store: its jobs are leased, silent nodes' recovered.
            // First in the group, so shut down last: it heartbeats through the scheduler's grace
            // period, and no other node recovers jobs that are finishing.
            services.insert(
                .init(
                    service: NodeHeartbeat(
                        store: AsyncAutomationStore(store), settings: node, logger: logger, registered: nodeRegistered),
                    successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "node"), at: 0)
        }
        return (tick, services)
    }

    /// Registers this process as a node of the embedded store before its services start (an
    /// id another live process holds is `StoreError.nodeInUse`); pass `nodeRegistered: true`
    /// to `daemonServices` then.
    public func registerNode(_ settings: NodeSettings, logger: Logger) async throws -> Bool {
        try await NodeService.register(AsyncAutomationStore(try embeddedStore), settings, logger)
    }

    /// History retention over `store` (none when `retention` is nil: all history is kept).
    static func retentionServices(_ store: any JobPurging, retention: Duration?, logger: Logger)
        -> [ServiceGroupConfiguration.ServiceConfiguration]
    {
        guard let retention else { return [] }
        return [
            .init(
                service: RetentionService(
                    store: store, retention: Double(retention.components.seconds), logger: logger),
                successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "retention")
        ]
    }
}
