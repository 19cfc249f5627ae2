import Automation
import Foundation
import Logging
import PostgresStore
import RunbookEngine
import Scheduler
import ServiceLifecycle

/// `runbook scheduler --store postgresql://...`: this process as one node of several sharing a
/// PostgreSQL store (DESIGN section 8). The node heartbeats, claims jobs into its slots, runs
/// scheduler passes and recovers the jobs of nodes that went silent.
extension AutomationService {
    /// Runs a node until SIGINT or SIGTERM; running jobs get `grace` seconds, then are stopped.
    /// With `once`, one scheduler pass and no node (its jobs wait in New for a node).
    public static func runNode(
        _ location: PostgresLocation, library: RunbookLibrary, settings: NodeSettings, grace: Double,
        once: Date?, logger: Logger
    ) async throws {
        try await PostgresStore.withStore(at: location, logger: logger) { store in
            let runner = JobRunner(
                recorder: store.recorder(node: settings.id), trackingStore: nil, logger: logger,
                stopPoll: .milliseconds(250),
                interruption: "node \(settings.id) was shut down and its \(grace)s grace period ran out")
            let tick = SchedulerTick(
                passStore: store, library: library, runner: runner, logger: logger,
                concurrency: settings.concurrency)
            if let once {
                let (report, pending) = try await tick.claim(now: once)
                logger.notice(
                    "one pass: \(pending.count) job(s) created in New for the nodes to run; \(report)")
                return
            }
            let node = NodeService(store: store, tick: tick, runner: runner, settings: settings, logger: logger)
            var configuration = ServiceGroupConfiguration(
                services: [.init(service: node, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            configuration.maximumGracefulShutdownDuration = .milliseconds(Int(grace * 1000))
            try await ServiceGroup(configuration: configuration).run()
        }
    }
}
