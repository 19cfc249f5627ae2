import Automation
import Foundation
import Logging
import RunbookEngine
import ServiceLifecycle
import Synchronization

/// How a node takes part in a shared store.
public struct NodeSettings: Sendable {
    /// The node's id (`runbook nodes list` shows it).
    public var id: String
    /// How long a job's lease lasts without a heartbeat; another node recovers the job after it.
    public var lease: Duration
    /// How often the node heartbeats, renews its leases, recovers expired ones and claims work.
    public var heartbeat: Duration
    /// How often a scheduler pass runs (sooner when a fire is due).
    public var poll: Duration
    /// Jobs this node runs at once.
    public var concurrency: Int
    /// Whether this node runs scheduler passes (every node may: each fire is claimed once).
    public var schedules: Bool
    /// How long a job for a hybrid worker group waits, with no worker of the group seen, before
    /// the node's heartbeat suspends it (Azure's 30 minutes; `--worker-wait`).
    public var workerWait: Duration = WorkerAbsence.defaultWindow

    public init(
        id: String, lease: Duration, heartbeat: Duration, poll: Duration, concurrency: Int, schedules: Bool = true
    ) {
        self.id = id
        self.lease = lease
        self.heartbeat = heartbeat
        self.poll = poll
        self.concurrency = max(1, concurrency)
        self.schedules = schedules
    }

    /// A fresh id: host name and a random suffix, so a restarted process is a new node.
    public static func newID() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "node"
        return "\(host)-\(UUID().uuidString.prefix(8).lowercased())"
    }
}

/// One node over a shared store (docs/ARCHITECTURE.md, "Nodes"). Its loop heartbeats (renewing the leases of
/// the jobs it runs), recovers jobs whose node stopped heartbeating, claims waiting jobs into its
/// free slots (`FOR UPDATE SKIP LOCKED`: nodes never take the same job) and runs scheduler
/// passes (each fire claimed once in the store). Jobs created by a pass, by the API or by
/// another node all wait in New until some node's slot takes them.
///
/// A job whose lease this node lost (the heartbeat no longer lists it: another node recovered it)
/// is cancelled here; its writes are fenced by the lease anyway. When heartbeats fail for a whole
/// lease (the database is unreachable), the node stops claiming and cancels its jobs: by then
/// another node may recover them.
public struct NodeService: Service {
    let store: any HybridWorkerStoring
    let tick: SchedulerTick
    let runner: JobRunner
    let settings: NodeSettings
    let logger: Logger
    /// Jobs this process records in New (the API's) wake the claims; nil: claims run on `poll`.
    let wakeup: NodeWakeup?
    /// The time limit a claimed job runs under (a schedule's `timeout`), or nil.
    let timeLimit: @Sendable (Job) async -> Duration?
    let now: @Sendable () -> Date
    /// Registered before the group started (`runbook serve` checks its id before it listens).
    let registered: Bool

    public init(
        store: any HybridWorkerStoring, tick: SchedulerTick, runner: JobRunner, settings: NodeSettings, logger: Logger,
        wakeup: NodeWakeup? = nil, timeLimit: @escaping @Sendable (Job) async -> Duration? = { _ in nil },
        now: @escaping @Sendable () -> Date = { Date() }, registered: Bool = false
    ) {
        self.registered = registered
        self.store = store
        self.tick = tick
        self.runner = runner
        self.settings = settings
        self.logger = logger
        self.wakeup = wakeup
        self.timeLimit = timeLimit
        self.now = now
    }

    enum Event: Sendable {
        case heartbeat(Heartbeat)
        case claimed([Job], error: String?)
        case passDue
        /// A pass ended: when the next is due, and whether it created jobs to claim.
        case passDone(wait: Duration, created: Bool)
        case pollDue
        /// A job was recorded in New by this process.
        case woken
        case ended(String)
    }

    /// What one heartbeat round found: the jobs the node still holds (nil: the heartbeat
    /// failed, with the error), and the jobs it recovered from silent nodes.
    struct Heartbeat: Sendable {
        /// Jobs this node ran when the heartbeat began: only they can have been lost.
        var before: Set<String> = []
        /// When it began: the leases it renewed run from here.
        var startedAt = Date()
        var held: [String]?
        var recovered: [RecoveredJob] = []
        /// Jobs suspended because their hybrid worker group had no worker for too long.
        var suspended: [RecoveredJob] = []
        var error: String?
    }

    public func run() async throws {
        let shuttingDown = OnceFlag()
        var named = logger
        named[metadataKey: "node.id"] = "\(settings.id)"
        let log = named
        if !registered {
            guard try await Self.register(store, settings, log) else { return }
        }
        log.info(
            "node started",
            metadata: [
                "lease.seconds": "\(settings.lease.components.seconds)", "concurrency": "\(settings.concurrency)",
            ])
        await withGracefulShutdownHandler {
            await loop(shuttingDown, log)
        } onGracefulShutdown: {
            shuttingDown.set()
            log.info("shutting down: no new claims or passes; running jobs may finish within the grace period")
        }
        // A clean stop frees the id at once for the next process (none waits out a lease).
        try? await store.stopNode(id: settings.id)
        log.info("node stopped")
    }

    /// Registers, retrying while the store is unreachable (it answered the start-up probe, then
    /// went away); false when the process is asked to stop first. A node whose database does not
    /// answer at all when it starts exits with the reason before it gets here (`runNode`).
    /// An id another live process holds is thrown: the node does not start.
    public static func register(_ store: any NodeStoring, _ settings: NodeSettings, _ log: Logger) async throws -> Bool
    {
        while true {
            do {
                try await store.registerNode(
                    id: settings.id, host: ProcessInfo.processInfo.hostName,
                    pid: Int(ProcessInfo.processInfo.processIdentifier), lease: settings.lease)
                return true
            } catch let error as StoreError {
                if case .nodeInUse = error { throw error }
                log.error("node could not register; retrying", metadata: ["error": "\(error)"])
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.heartbeat) }
                } catch {
                    return false
                }
            } catch {
                log.error("node could not register; retrying", metadata: ["error": "\(error)"])
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.heartbeat) }
                } catch {
                    return false
                }
            }
        }
    }

    /// The node's state, owned by its loop.
    private struct LoopState {
        var lastHeartbeat: Date
        /// Heartbeats failed for a whole lease: no claims, no passes, until one succeeds.
        var cutOff = false
        var claiming = false
        var claimWanted = false
        var finishing = false
    }

    private func loop(_ shuttingDown: OnceFlag, _ log: Logger) async {
        let running = RunningJobs()
        var state = LoopState(lastHeartbeat: now())
        await withTaskGroup(of: Event.self) { group in
            /// Claims for the free slots, one claim in flight at a time.
            func requestClaim() {
                guard !state.claiming else {
                    state.claimWanted = true
                    return
                }
                let free = settings.concurrency - running.count
                guard free > 0, !state.cutOff, !state.finishing, !shuttingDown.isSet, !Task.isCancelled else { return }
                state.claiming = true
                state.claimWanted = false
                group.addTask { [store, settings] in
                    do {
                        return .claimed(
                            try await store.claimNewJobs(node: settings.id, limit: free, lease: settings.lease),
                            error: nil)
                    } catch {
                        return .claimed([], error: "\(error)")
                    }
                }
            }
            func after(_ wait: Duration, _ event: Event) {
                guard !state.finishing else { return }
                group.addTask {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
                    return event
                }
            }
            func listen() {
                guard let wakeup, !state.finishing else { return }
                group.addTask {
                    await wakeup.wait()
                    return .woken
                }
            }
            group.addTask { .heartbeat(await heartbeat(running)) }
            if settings.schedules { group.addTask { .passDue } }
            after(settings.poll, .pollDue)
            listen()
            while let event = await group.next() {
                switch event {
                case .ended(let id):
                    running.remove(id)
                    requestClaim()
                case .claimed(let jobs, let error):
                    state.claiming = false
                    if let error { log.error("claiming work failed", metadata: ["error": "\(error)"]) }
                    for job in jobs {
                        if shuttingDown.isSet {
                            // Claimed as the node began shutting down: back to wait for another node.
                            _ = try? await store.releaseJobs(node: settings.id, [job.id])
                            continue
                        }
                        running.insert(job.id)
                        group.addTask { await runJob(job, running, log) }
                    }
                    if state.claimWanted || (!jobs.isEmpty && error == nil) { requestClaim() }
                case .pollDue:
                    guard !shuttingDown.isSet, !Task.isCancelled else { break }
                    requestClaim()
                    after(settings.poll, .pollDue)
                case .woken:
                    guard !shuttingDown.isSet, !Task.isCancelled else { break }
                    requestClaim()
                    listen()
                case .passDue:
                    guard !shuttingDown.isSet, !Task.isCancelled else { break }
                    guard !state.cutOff else {
                        after(settings.poll, .passDue)
                        break
                    }
                    // In a task of its own: a long pass (thousands of schedules, a slow database)
                    // never holds back heartbeats, lease checks or claims.
                    group.addTask { [tick, settings, now] in
                        do {
                            // The pass records fires and creates their jobs in New; claims run them.
                            let (report, pending) = try await tick.claim(now: now())
                            SchedulerService.log(report, queued: pending, log)
                            let wait = SchedulerService.wait(until: report.nextDue, now: now(), poll: settings.poll)
                            return .passDone(wait: wait, created: !pending.isEmpty)
                        } catch {
                            log.error("scheduler pass failed", metadata: ["error": "\(error)"])
                            return .passDone(wait: settings.poll, created: false)
                        }
                    }
                case .passDone(let wait, let created):
                    if created { requestClaim() }
                    guard !shuttingDown.isSet, !Task.isCancelled else { break }
                    after(wait, .passDue)
                case .heartbeat(let round):
                    guard !Task.isCancelled else { break }
                    handle(round, running: running, state: &state, claimInFlight: state.claiming, log)
                    if !state.cutOff { requestClaim() }
                    if !state.finishing {
                        group.addTask {
                            try? await Task.sleep(for: settings.heartbeat)
                            if Task.isCancelled { return .heartbeat(Heartbeat(held: nil)) }
                            return .heartbeat(await heartbeat(running))
                        }
                    }
                }
                if shuttingDown.isSet && running.count == 0 && !state.finishing {
                    state.finishing = true
                    group.cancelAll()
                }
            }
        }
    }

    /// Acts on a heartbeat: lost leases cancel their jobs; held jobs this node does not run are
    /// released; a whole lease without a heartbeat cuts the node off.
    private func handle(
        _ round: Heartbeat, running: RunningJobs, state: inout LoopState, claimInFlight: Bool, _ log: Logger
    ) {
        for job in round.recovered {
            log.warning(
                "recovered a job whose node stopped heartbeating",
                metadata: ["job.id": "\(job.id)", "job.status": "\(job.status.rawValue)"])
        }
        for job in round.suspended {
            log.warning(
                "suspended a job whose hybrid worker group has had no worker",
                metadata: ["job.id": "\(job.id)", "window": "\(settings.workerWait)"])
        }
        guard let held = round.held else {
            if let error = round.error { log.error("heartbeat failed", metadata: ["error": "\(error)"]) }
            if !state.cutOff && now().timeIntervalSince(state.lastHeartbeat) >= settings.lease.inSeconds {
                state.cutOff = true
                log.error(
                    "no heartbeat for a whole lease: stopping this node's jobs, which other nodes recover",
                    metadata: ["jobs": "\(running.count)"])
                running.cancelAll()
            }
            return
        }
        state.lastHeartbeat = round.startedAt
        if state.cutOff { log.info("the store answers again: claiming work") }
        state.cutOff = false
        let ids = running.ids
        // Jobs recovered by another node: this node must not go on with them. A job claimed
        // while the heartbeat ran is not in its list yet, and not lost.
        for id in ids.intersection(round.before).subtracting(held) {
            log.warning("lease lost: another node recovered this job", metadata: ["job.id": "\(id)"])
            running.cancel(id)
        }
        // Held but not run here: a claim that committed after its call timed out.
        let orphans = Set(held).subtracting(ids)
        if !orphans.isEmpty && !claimInFlight {
            Task { [store, settings] in
                try? await store.releaseJobs(node: settings.id, orphans.sorted())
            }
        }
    }

    /// One heartbeat: renews the node's leases and recovers jobs whose node went silent.
    private func heartbeat(_ running: RunningJobs) async -> Heartbeat {
        var round = Heartbeat(before: running.ids, startedAt: now())
        do {
            round.held = try await store.heartbeat(node: settings.id, lease: settings.lease)
        } catch StoreError.notFound {
            // The node's row is gone (deleted by hand): register again; the next round renews.
            try? await store.registerNode(
                id: settings.id, host: ProcessInfo.processInfo.hostName,
                pid: Int(ProcessInfo.processInfo.processIdentifier), lease: settings.lease)
            round.error = "the node's row was missing; registered again"
            return round
        } catch {
            round.error = "\(error)"
            return round
        }
        round.recovered = (try? await store.recoverExpiredLeases()) ?? []
        round.suspended = (try? await store.suspendJobsWithoutWorkers(waitedLongerThan: settings.workerWait)) ?? []
        return round
    }

    /// Runs a claimed job in its own task, so that a lost lease cancels only that job.
    private func runJob(_ job: Job, _ running: RunningJobs, _ log: Logger) async -> Event {
        let runner = runner
        let task = Task {
            do {
                if job.status == .resuming {
                    _ = try await runner.resume(job.id, claimed: true)
                } else {
                    let loaded = try RunbookLoader.load(content: job.runbookContent, label: "job \(job.id)")
                    var prepared = try JobRunner.prepare(loaded, bound: job.parameters)
                    prepared.timeLimit = await timeLimit(job)
                    _ = try await runner.start(job, prepared)
                }
            } catch {
                log.error("job could not be run", metadata: ["job.id": "\(job.id)", "error": "\(error)"])
                // A job that never started must not wait in New forever under this node's lease.
                // (Only while it is still New: an error after its end was recorded changes nothing.)
                if job.status == .new, (try? await runner.jobs.job(exactly: job.id))?.status == .new {
                    try? await runner.recorder.transition(
                        job: job.id, to: .failed, at: Date(), exception: "the job could not be started: \(error)")
                }
            }
        }
        running.attach(job.id, task)
        await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        return .ended(job.id)
    }
}

/// The jobs a node runs, with their tasks (a lost lease cancels one).
final class RunningJobs: Sendable {
    private let state = Mutex<[String: Task<Void, Never>?]>([:])

    var ids: Set<String> { state.withLock { Set($0.keys) } }
    var count: Int { state.withLock { $0.count } }

    func insert(_ id: String) { state.withLock { $0[id] = .some(nil) } }
    func attach(_ id: String, _ task: Task<Void, Never>) {
        let cancelled = state.withLock { jobs -> Bool in
            guard jobs[id] != nil else { return true }
            jobs[id] = task
            return false
        }
        if cancelled { task.cancel() }
    }
    func remove(_ id: String) { _ = state.withLock { $0.removeValue(forKey: id) } }
    func cancel(_ id: String) {
        let task = state.withLock { $0.removeValue(forKey: id) }
        task??.cancel()
    }
    func cancelAll() {
        let tasks = state.withLock { jobs -> [Task<Void, Never>?] in
            defer { jobs = [:] }
            return Array(jobs.values)
        }
        for task in tasks { task?.cancel() }
    }
}
