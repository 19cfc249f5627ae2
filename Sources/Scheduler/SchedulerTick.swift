import Automation
import AutomationStore
import Foundation
import Logging
import RunbookEngine

/// What one tick did.
public struct TickReport: Sendable, Hashable {
    public var started: [String] = []
    /// Suspended jobs queued with `runbook jobs resume --queue` that this pass ran.
    public var resumed: [String] = []
    /// Jobs created for fires that never started because the scheduler was shutting down.
    public var notStarted: [String] = []
    public var missed = 0
    public var skipped = 0
    public var failed: [String] = []

    public init() {}

    public var isEmpty: Bool {
        started.isEmpty && resumed.isEmpty && notStarted.isEmpty && missed == 0 && skipped == 0 && failed.isEmpty
    }
}

/// One pass of the scheduler: for each enabled schedule, the fires due since its checkpoint are
/// claimed under the store's unique (schedule, fire time) key and their jobs run, with any
/// suspended jobs queued for resumption. A step driven by the `now` it is given: the daemon
/// (`SchedulerService`) calls it in a loop, `--once` calls it once.
public struct SchedulerTick: Sendable {
    /// A fire this late is a misfire, handled by the schedule's misfire policy.
    public static let misfireThreshold: TimeInterval = 60
    /// At most this many missed fires are recorded per schedule and tick.
    public static let maxFiresPerTick = 1000

    let store: AutomationStore
    let library: RunbookLibrary
    let runner: JobRunner
    let logger: Logger
    /// Jobs of one pass that run at once; the others wait in New for a slot.
    let concurrency: Int

    public init(
        store: AutomationStore, library: RunbookLibrary, runner: JobRunner, logger: Logger, concurrency: Int = 4
    ) {
        self.store = store
        self.library = library
        self.runner = runner
        self.logger = logger
        self.concurrency = max(1, concurrency)
    }

    /// Work for a slot: a job created for a fire, or a queued resume.
    enum Pending: Sendable {
        case fire(job: Job, prepared: PreparedJob)
        case resume(jobId: String)
    }

    /// One pass. `mayStart` is asked before each job takes a slot: once it says no (the
    /// scheduler is shutting down), jobs still waiting in New end Stopped, with the reason.
    public func tick(now: Date, mayStart: @escaping @Sendable () -> Bool = { true }) async throws -> TickReport {
        var report = TickReport()
        var pending: [Pending] = []
        for schedule in try store.schedules() where schedule.enabled {
            pending += try handle(schedule, now: now, report: &report)
        }
        pending += try store.queuedResumes().map { Pending.resume(jobId: $0) }
        try await runAll(pending, mayStart: mayStart, report: &report)
        return report
    }

    /// Runs the pass's jobs, at most `concurrency` at a time, in the order they were created.
    private func runAll(_ pending: [Pending], mayStart: @escaping @Sendable () -> Bool, report: inout TickReport)
        async throws
    {
        let outcomes = await withTaskGroup(of: (Pending, Bool).self) { group in
            var next = 0
            var outcomes: [(Pending, Bool)] = []
            func launch() {
                while next < pending.count {
                    let item = pending[next]
                    next += 1
                    guard mayStart() else {
                        outcomes.append((item, false))
                        continue
                    }
                    group.addTask { (item, await run(item)) }
                    return
                }
            }
            for _ in 0..<concurrency { launch() }
            while let outcome = await group.next() {
                outcomes.append(outcome)
                launch()
            }
            return outcomes
        }
        for (item, ran) in outcomes {
            switch (item, ran) {
            case (.fire(let job, _), true): report.started.append(job.id)
            case (.resume(let id), true): report.resumed.append(id)
            case (.fire(let job, _), false):
                try store.transition(
                    job: job.id, to: .stopped, at: Date(),
                    exception: "not started: the scheduler was shutting down before a slot was free")
                report.notStarted.append(job.id)
            case (.resume, false):
                break  // still Resuming and unclaimed: the next scheduler pass takes it
            }
        }
    }

    /// Runs one item to its end; false when it did not run (another process took the resume).
    private func run(_ item: Pending) async -> Bool {
        do {
            switch item {
            case .fire(let job, let prepared): _ = try await runner.start(job, prepared)
            case .resume(let id): _ = try await runner.resume(id)
            }
            return true
        } catch let error as ResumeError {
            // Taken by another process, or stopped meanwhile: not this pass's to run.
            logger.info("queued resume not run", metadata: ["reason": "\(error)"])
            return false
        } catch {
            // One job's storage failure must not end the pass for the others.
            logger.error("job could not be run", metadata: ["error": "\(error)"])
            return true
        }
    }

    private func handle(_ schedule: Schedule, now: Date, report: inout TickReport) throws -> [Pending] {
        var pending: [Pending] = []
        // A queued fire starts once the job it waited for has ended.
        if let queued = try store.fires(schedule: schedule.name, status: .queued).last,
            try !store.hasActiveJob(schedule: schedule.name)
        {
            try store.updateFire(
                schedule: schedule.name, fireTime: queued.fireTime, status: .started, jobId: nil,
                reason: "started after the previous job ended (overlap policy queue)")
            pending += try create(schedule, fire: queued.fireTime, report: &report)
        }
        let since =
            try store.checkpoint(schedule: schedule.name) ?? store.scheduleCreatedAt(schedule.name)?
            .addingTimeInterval(-1) ?? now
        var due: [Date] = []
        var cursor = since
        while due.count < Self.maxFiresPerTick, let next = schedule.recurrence.nextFire(after: cursor), next <= now {
            due.append(next)
            cursor = next
        }
        guard let latest = due.last else { return pending }
        let late = now.timeIntervalSince(latest) > Self.misfireThreshold
        var records: [(Date, FireStatus, String?)] = due.dropLast().map {
            ($0, .missed, "no scheduler ran at the fire time")
        }
        var toRun: Date?
        if late && schedule.misfire == .skip {
            records.append((latest, .missed, "missed; misfire policy skip"))
        } else if try store.hasActiveJob(schedule: schedule.name) {
            switch schedule.overlap {
            case .skip:
                records.append((latest, .skipped, "the schedule's previous job is still running (overlap policy skip)"))
            case .queue:
                records.append(
                    (latest, .queued, "waiting for the schedule's previous job to end (overlap policy queue)"))
            case .allow:
                records.append((latest, .started, nil))
                toRun = latest
            }
        } else {
            records.append((latest, .started, late ? "late; misfire policy run-once" : nil))
            toRun = latest
        }
        let claimed = try store.recordFires(schedule: schedule.name, records, checkpoint: now, at: now)
        report.missed += records.filter { $0.1 == .missed }.count
        report.skipped += records.filter { $0.1 == .skipped }.count
        guard let fire = toRun, claimed.contains(fire) else { return pending }
        return pending + (try create(schedule, fire: fire, report: &report))
    }

    /// Creates (in status New) a job for every runbook the schedule links.
    private func create(_ schedule: Schedule, fire: Date, report: inout TickReport) throws -> [Pending] {
        var pending: [Pending] = []
        var log = logger
        log[metadataKey: "schedule.name"] = "\(schedule.name)"
        log.info("fire claimed", metadata: ["fire.time": "\(fire.formatted(.iso8601))"])
        for link in schedule.links {
            do {
                let loaded = try library.load(link.runbook)
                let prepared = try JobRunner.prepare(loaded, parameters: link.parameters)
                let job = try runner.create(prepared, reason: .schedule, startedBy: schedule.name)
                try store.updateFire(
                    schedule: schedule.name, fireTime: fire, status: .started, jobId: job.id, reason: nil)
                pending.append(.fire(job: job, prepared: prepared))
            } catch {
                // A runbook that was deleted or no longer validates: the fire fails, the scheduler goes on.
                let reason = "runbook '\(link.runbook)': \(error)".replacingOccurrences(of: "error: ", with: "")
                try store.updateFire(
                    schedule: schedule.name, fireTime: fire, status: .failed, jobId: nil, reason: reason)
                report.failed.append(schedule.name)
                log.warning("fire failed", metadata: ["reason": "\(reason)"])
            }
        }
        return pending
    }
}
