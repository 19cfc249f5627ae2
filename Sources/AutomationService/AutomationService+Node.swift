import Automation
import Foundation
import Logging
import PostgresStore
import RunbookEngine
import Scheduler
import ServiceLifecycle

/// `runbook scheduler` and `runbook serve`: this process as a node of its store
/// (docs/ARCHITECTURE.md, "Nodes"). On the embedded store the node runs schedule passes and
/// the jobs it creates or is handed; on a shared store it also claims the jobs other processes
/// queue, and every node recovers the jobs of nodes that went silent.
extension AutomationService {
    /// Services that run in the node's group (`runbook serve`'s HTTP side): given the service
    /// over the node's store and where the jobs it starts go.
    public typealias NodeCompanions =
        @Sendable (AutomationService, any JobSubmission) async throws
        -> [ServiceGroupConfiguration.ServiceConfiguration]

    /// What a daemon runs with.
    public struct DaemonSettings: Sendable {
        public var library: RunbookLibrary
        public var node: NodeSettings
        /// Seconds running jobs get to finish after SIGINT or SIGTERM; then they are stopped.
        public var grace: Double
        /// Finished jobs older than this are purged; nil keeps all history.
        public var retention: Duration?

        public init(library: RunbookLibrary, node: NodeSettings, grace: Double, retention: Duration?) {
            self.library = library
            self.node = node
            self.grace = grace
            self.retention = retention
        }
    }

    /// Runs the node until SIGINT or SIGTERM, with `companions` in the same service group. The
    /// store gets the default account first when it has none (said through `note`); the node's
    /// id is registered before anything starts, so an id another live process holds is refused
    /// (`ServiceError.storeUnreachable`) before a server says it is serving.
    public static func runDaemon(
        at location: StoreLocation, settings: DaemonSettings, logger: Logger,
        note: @escaping @Sendable (StoreNotice) -> Void, companions: NodeCompanions? = nil
    ) async throws {
        do {
            switch location.kind {
            case .folder(let folder):
                let service = try openFolder(folder, access: .write(account: true), note: note)
                if let line = try await service.ensureDefaultAccount(
                    profile: .azure, runbooks: settings.library, in: location)
                {
                    note(.note(line))
                }
                guard try await service.registerNode(settings.node, logger: logger) else { return }
                let inbox = JobInbox()
                let (_, services) = try service.daemonServices(
                    library: settings.library, poll: settings.node.poll.inSeconds,
                    concurrency: settings.node.concurrency, grace: settings.grace, retention: settings.retention,
                    logger: logger, inbox: inbox, node: settings.node, nodeRegistered: true)
                let others = try await companions?(service, inbox) ?? []
                var configuration = ServiceGroupConfiguration(
                    services: others + services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
                configuration.maximumGracefulShutdownDuration = .milliseconds(Int(settings.grace * 1000))
                try await ServiceGroup(configuration: configuration).run()
            case .postgres(let database):
                try await runSharedNode(
                    database, settings: settings, location: location, logger: logger, note: note,
                    companions: companions)
            }
        } catch let error as StoreError {
            throw storeError(error)
        }
    }

    /// One scheduler pass at `now`, and no node: on the embedded store the pass runs the jobs it
    /// starts to their end; on a shared store they wait in New for the nodes. Returns the
    /// schedules that could not be read (name and problems) and the pass's report.
    public static func runOnePass(
        at location: StoreLocation, library: RunbookLibrary, concurrency: Int, now: Date, logger: Logger,
        note: @escaping @Sendable (StoreNotice) -> Void
    ) async throws -> (invalid: [String: [String]], report: String) {
        do {
            switch location.kind {
            case .folder(let folder):
                let service = try openFolder(folder, access: .write(account: true), note: note)
                if let line = try await service.ensureDefaultAccount(profile: .azure, runbooks: library, in: location) {
                    note(.note(line))
                }
                let (tick, _) = try service.daemonServices(
                    library: library, poll: 1, concurrency: concurrency, grace: 0, retention: nil, logger: logger)
                let report = try await tick.tick(now: now)
                return (report.invalid, "\(report)")
            case .postgres(let database):
                return try await PostgresStore.withStore(at: database, logger: logger) { store in
                    let runner = JobRunner(
                        recorder: store, jobs: store, tracking: store, logStore: PostgresLogQueries(store: store),
                        logger: logger)
                    let tick = SchedulerTick(
                        passStore: store, library: library, runner: runner, logger: logger, concurrency: concurrency)
                    let (report, pending) = try await tick.claim(now: now)
                    return (
                        report.invalid, "\(report); \(pending.count) job(s) created in New for the nodes to run"
                    )
                }
            }
        } catch let error as StoreError {
            throw storeError(error)
        }
    }

    /// A node of a shared store: heartbeats, claims, passes and recovery in its loop.
    private static func runSharedNode(
        _ database: PostgresLocation, settings: DaemonSettings, location: StoreLocation, logger: Logger,
        note: @escaping @Sendable (StoreNotice) -> Void, companions: NodeCompanions?
    ) async throws {
        let node = settings.node
        // A call may take half a lease (5 to 15 s): a node cut off learns it soon after its lease ends.
        let half = Double(node.lease.components.seconds) / 2
        let callTimeout = Duration.seconds(min(15, max(5, half)))
        try await PostgresStore.withStore(at: database, logger: logger, callTimeout: callTimeout) { store in
            let runner = JobRunner(
                recorder: store.recorder(node: node.id), jobs: store, tracking: store,
                logStore: PostgresLogQueries(store: store),
                logger: logger,
                stopPoll: .milliseconds(250),
                interruption: "node \(node.id) was shut down and its \(settings.grace)s grace period ran out")
            let tick = SchedulerTick(
                passStore: store, library: settings.library, runner: runner, logger: logger,
                concurrency: node.concurrency)
            // The default account on a new database (serve's API paths work at once), on the
            // node's own connection.
            let service = AutomationService(postgres: store)
            if let line = try await service.ensureDefaultAccount(
                profile: .azure, runbooks: settings.library, in: location)
            {
                note(.note(line))
            }
            // Registered before anything starts: an id another live process holds is refused
            // before `serve` says it is serving.
            var named = logger
            named[metadataKey: "node.id"] = "\(node.id)"
            guard try await NodeService.register(store, node, named) else { return }
            let wakeup = NodeWakeup()
            let loop = NodeService(
                store: store, tick: tick, runner: runner, settings: node, logger: logger, wakeup: wakeup,
                timeLimit: { job in await scheduleTimeLimit(job, store) }, registered: true)
            let others = try await companions?(service, wakeup) ?? []
            var configuration = ServiceGroupConfiguration(
                services: [.init(service: loop, successTerminationBehavior: .gracefullyShutdownGroup)] + others
                    + retentionServices(store, retention: settings.retention, logger: logger),
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            configuration.maximumGracefulShutdownDuration = .milliseconds(Int(settings.grace * 1000))
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

    /// `runbook run NAME` where the store's nodes run jobs: records the job in New for them (the
    /// first node with a free slot takes it). The parameters were bound by the caller.
    /// With `runOn`, it waits for a worker of that group instead (a group no agent joined
    /// records it Failed, saying so).
    public func queueJob(_ prepared: PreparedJob, runOn group: String? = nil) async throws(ServiceError) -> Job {
        var job = JobRunner.newJob(
            prepared, id: UUID().uuidString.lowercased(), reason: .manual, startedBy: nil,
            accountName: try await storeCall { try await jobStore.defaultAccount()?.account.name }, at: now())
        let (runOn, missing) = try await placement(of: prepared.runbook, runOn: group, field: "--run-on")
        job.runOn = runOn
        if let missing {
            job.status = .failed
            job.endedAt = job.createdAt
            job.exception = missing
        }
        try await storeCall { try await jobStore.createJob(job) }
        return job
    }

}
