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
    /// Services that run in the node's group (`runbook serve`'s HTTP side): given the service
    /// over the node's store and where the jobs it starts go.
    public typealias NodeCompanions =
        @Sendable (AutomationService, any JobSubmission) throws -> [ServiceGroupConfiguration.ServiceConfiguration]

    /// Runs a node until SIGINT or SIGTERM; running jobs get `grace` seconds, then are stopped.
    /// With `once`, one scheduler pass and no node (its jobs wait in New for a node).
    /// `companions` run in the same service group (the API of `runbook serve`); `defaultAccount`
    /// is created first when the store has no account.
    public static func runNode(
        _ location: PostgresLocation, library: RunbookLibrary, settings: NodeSettings, grace: Double,
        retention: Duration?, once: Date?, logger: Logger, defaultAccount: (Account, Workspace)? = nil,
        companions: NodeCompanions? = nil
    ) async throws {
        // A call may take half a lease (5 to 15 s): a node cut off learns it soon after its lease ends.
        let half = Double(settings.lease.components.seconds) / 2
        let callTimeout = Duration.seconds(min(15, max(5, half)))
        try await PostgresStore.withStore(at: location, logger: logger, callTimeout: callTimeout) { store in
            let runner = JobRunner(
                recorder: store.recorder(node: settings.id), tracking: store,
                logStore: PostgresLogQueries(store: store),
                logger: logger,
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
            // The default account on a new database (serve's API paths work at once), on the
            // node's own connection.
            if let (account, workspace) = defaultAccount,
                try await AutomationService(postgres: store).ensureSharedAccount(account, workspace: workspace)
            {
                logger.notice("created the default Automation account", metadata: ["account": "\(account.name)"])
            }
            // Registered before anything starts: an id another live process holds is refused
            // before `serve` says it is serving.
            var named = logger
            named[metadataKey: "node.id"] = "\(settings.id)"
            guard try await NodeService.register(store, settings, named) else { return }
            let wakeup = NodeWakeup()
            let node = NodeService(
                store: store, tick: tick, runner: runner, settings: settings, logger: logger, wakeup: wakeup,
                timeLimit: { job in await scheduleTimeLimit(job, store) }, registered: true)
            let others = try companions?(AutomationService(postgres: store), wakeup) ?? []
            var configuration = ServiceGroupConfiguration(
                services: [.init(service: node, successTerminationBehavior: .gracefullyShutdownGroup)] + others
                    + retentionServices(store, retention: retention, logger: logger),
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            configuration.maximumGracefulShutdownDuration = .milliseconds(Int(grace * 1000))
            try await ServiceGroup(configuration: configuration).run()
        }
    }
}

extension AutomationService {
    /// A fire's job runs under its schedule's `timeout`, as the embedded scheduler runs it: the
    /// pass records the job in New and whichever node claims it looks the schedule up (nil
    /// for other jobs, or when the schedule is gone or cannot be read).
    static func scheduleTimeLimit(_ job: Job, _ store: any ScheduleStoring) async -> Duration? {
        guard job.startReason == .schedule, let name = job.startedBy,
            let seconds = try? await store.schedule(named: name)?.timeoutSeconds
        else { return nil }
        return .seconds(seconds)
    }

    /// `runbook run NAME --store postgresql://...`: records a job in New for the nodes; the
    /// runbook is `file` when the caller found one (an author's test run, found as `runbook run`
    /// finds it), else the published version in the store. Parameters are checked before
    /// anything is recorded.
    public static func queueJob(
        on location: PostgresLocation, runbook name: String, file: LoadedRunbook?, parameters: [String: String],
        restartLimit: Int? = nil
    ) async throws(ServiceError) -> Job {
        do {
            return try await PostgresStore.withStore(at: location) { store in
                let loaded: LoadedRunbook
                if let file {
                    loaded = file
                } else if let resource = try await store.runbookResource(named: name),
                    let published = try resource.loadedPublished()
                {
                    loaded = published
                } else {
                    throw ServiceError.notFound(
                        kind: "runbook", name: name,
                        hint: ": no such runbook file, and not published in \(location)")
                }
                var prepared = try JobRunner.prepare(loaded, parameters: parameters)
                prepared.restartLimit = restartLimit
                let runner = JobRunner(
                    recorder: store, tracking: store, logStore: PostgresLogQueries(store: store),
                    logger: Logger(label: "runbook.engine"))
                return try await runner.create(prepared)
            }
        } catch let error as ServiceError {
            throw error
        } catch let error as DiagnosticError {
            throw .invalid(error.description, target: name)
        } catch let error as PreparationError {
            // Parameters that do not bind: a usage error (65), said as `runbook run` says it.
            let text = error.description
            throw .invalid(text.hasPrefix("error: ") ? String(text.dropFirst(7)) : text, target: name)
        } catch {
            throw storeError(error)
        }
    }
}
