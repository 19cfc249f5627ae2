import Automation
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
    /// The earliest fire after this pass's time, of any enabled schedule: the daemon sleeps
    /// until then (or its poll interval, whichever is sooner).
    public var nextDue: Date?
    public var missed = 0
    public var skipped = 0
    public var failed: [String] = []
    /// Schedules the store holds outside their bounds (`Schedule.problems()`), with the problems:
    /// skipped, so that one bad row never stops the others.
    public var invalid: [String: [String]] = [:]

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

    let store: any SchedulerStoring
    let library: RunbookLibrary
    let runner: JobRunner
    let logger: Logger
    /// Jobs of one pass that run at once; the others wait in New for a slot.
    let concurrency: Int

    /// A pass over any store (a PostgreSQL node's).
    public init(
        passStore store: any SchedulerStoring, library: RunbookLibrary, runner: JobRunner, logger: Logger,
        concurrency: Int = 4
    ) {
        self.store = store
        self.library = library
        self.runner = runner
        self.logger = logger
        self.concurrency = max(1, concurrency)
    }

    /// Work for a slot: a job created for a fire, or a queued resume.
    public enum Pending: Sendable {
        case fire(job: Job, prepared: PreparedJob)
        case resume(jobId: String)

        var jobId: String {
            switch self {
            case .fire(let job, _): job.id
            case .resume(let id): id
            }
        }
    }

    /// One pass, run to the end of its jobs (`--once`): claim, then run at most `concurrency`
    /// at a time. `mayStart` is asked before each job takes a slot: once it says no (the
    /// scheduler is shutting down), jobs still waiting in New end Stopped, with the reason.
    public func tick(now: Date, mayStart: @escaping @Sendable () -> Bool = { true }) async throws -> TickReport {
        var (report, pending) = try await claim(now: now)
        var slots = JobSlots(tick: self)
        _ = slots.queue(pending)
        var failure: (any Error)?
        await withTaskGroup(of: SlotEvent.self) { group in
            do {
                try await slots.advance(&group, mayStart: mayStart(), report: &report)
                while let event = await group.next() {
                    guard case .ended(let item, let ran) = event else { continue }
                    try await slots.ended(item, ran: ran, report: &report)
                    try await slots.advance(&group, mayStart: mayStart(), report: &report)
                }
            } catch {
                // Recording an outcome failed (the store): the running jobs still end on their own.
                failure = error
            }
        }
        if let failure { throw failure }
        return report
    }

    /// The claiming half of a pass: fires recorded and claimed, their jobs created in New, in
    /// one transaction; returns them with the queued resumes, to run. The daemon runs them in
    /// slots shared across passes, so a long job never delays the next pass.
    public func claim(now: Date) async throws -> (TickReport, [Pending]) {
        var report = TickReport()
        let states = try await store.passState()
        let account = try await store.defaultAccount()?.account.name
        var runbooks = RunbookCache(store: store, library: library)
        var plans: [FirePlan] = []
        var prepared: [String: PreparedJob] = [:]
        // Read once per pass, and only when a link runs on a group.
        var groups: Set<String>?
        var valid: [ScheduleState] = []
        for state in states {
            let problems = state.schedule.problems()
            guard problems.isEmpty else {
                report.invalid[state.schedule.name] = problems
                logger.debug(
                    "invalid schedule skipped",
                    metadata: [
                        "schedule.name": "\(state.schedule.name)", "reason": "\(problems.joined(separator: "; "))",
                    ])
                continue
            }
            valid.append(state)
        }
        for state in valid {
            guard var plan = plan(state, now: now, report: &report) else { continue }
            if var start = plan.start {
                for link in state.schedule.links {
                    do {
                        var job = try await runbooks.prepare(link)
                        if let seconds = state.schedule.timeoutSeconds { job.timeLimit = .seconds(seconds) }
                        var record = runner.makeJob(
                            job, reason: .schedule, startedBy: state.schedule.name, accountName: account)
                        // A job for a group (the link's, or where a runbook that places its
                        // steps runs its first) waits in New for a worker of it; a group no agent
                        // works for fails it at once, saying so (as a job created by hand).
                        let runbook = job.runbook
                        let named =
                            runbook.placesSteps ? runbook.steps.compactMap(\.runOn) : [link.runOn].compactMap { $0 }
                        record.runOn = runbook.placesSteps ? runbook.steps.first?.runOn : link.runOn
                        if !named.isEmpty, groups == nil { groups = Set(try await store.hybridWorkers().map(\.group)) }
                        if let missing = Set(named).sorted().lazy.compactMap({
                            WorkerAbsence.missingGroup($0, among: groups ?? [])
                        }).first {
                            record.status = .failed
                            record.endedAt = record.createdAt
                            record.exception = missing
                        } else if record.runOn == nil {
                            prepared[record.id] = job
                        }
                        start.jobs.append(record)
                    } catch {
                        // A runbook that was deleted or no longer validates: the fire fails, the
                        // scheduler goes on.
                        start.failures.append(
                            "runbook '\(link.runbook)': \(error)".replacingOccurrences(of: "error: ", with: ""))
                    }
                }
                plan.start = start
            }
            plans.append(plan)
        }
        let claimed = try await store.commitPass(plans, at: now)
        var pending: [Pending] = []
        for plan in plans {
            guard let start = plan.start, let jobs = claimed[plan.schedule] else { continue }
            var log = logger
            log[metadataKey: "schedule.name"] = "\(plan.schedule)"
            // Debug: a thousand schedules due at once are one summary line at info, not a thousand.
            log.debug("fire claimed", metadata: ["fire.time": "\(start.fire.formatted(.iso8601))"])
            if !start.failures.isEmpty {
                report.failed.append(plan.schedule)
                log.warning("fire failed", metadata: ["reason": "\(start.failures.joined(separator: "; "))"])
            }
            pending += jobs.compactMap { job in prepared[job.id].map { Pending.fire(job: job, prepared: $0) } }
        }
        pending += try await store.queuedResumes().map { Pending.resume(jobId: $0) }
        report.nextDue = valid.compactMap { $0.schedule.recurrence.nextFire(after: now) }.min()
        return (report, pending)
    }

    /// What became of one item: run, or left (a job that never started ends Stopped).
    func record(_ item: Pending, ran: Bool, in report: inout TickReport) async throws {
        switch (item, ran) {
        case (.fire(let job, _), true): report.started.append(job.id)
        case (.resume(let id), true): report.resumed.append(id)
        case (.fire(let job, _), false):
            try await store.transition(
                job: job.id, to: .stopped, at: Date(),
                exception: "not started: the scheduler was shutting down before a slot was free")
            report.notStarted.append(job.id)
        case (.resume, false):
            break  // still Resuming and unclaimed: the next scheduler pass takes it
        }
    }

    /// Runs one item to its end; false when it did not run (another process took the resume).
    func run(_ item: Pending) async -> Bool {
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
        } catch StoreError.alreadyEnded(let job, let status) {
            // This process was paused past its lease and another node recovered the job.
            logger.warning(
                "job left unfinished here: another node recovered it while this process was not heartbeating",
                metadata: ["job.id": "\(job)", "job.status": "\(status.rawValue)"])
            return true
        } catch {
            // One job's storage failure must not end the pass for the others.
            logger.error("job could not be run", metadata: ["error": "\(error)"])
            return true
        }
    }

    /// What a pass records for one schedule, and the fire it starts (jobs not yet attached);
    /// nil when nothing is due.
    private func plan(_ state: ScheduleState, now: Date, report: inout TickReport) -> FirePlan? {
        let schedule = state.schedule
        var plan = FirePlan(schedule: schedule.name, records: [], checkpoint: nil, start: nil)
        // A queued fire starts once the job it waited for has ended.
        if let queued = state.queuedFire, !state.hasActiveJob {
            plan.start = FireStart(fire: queued, wasQueued: true, jobs: [], failures: [])
        }
        var due: [Date] = []
        var cursor = state.dueAfter
        while due.count < Self.maxFiresPerTick, let next = schedule.recurrence.nextFire(after: cursor), next <= now {
            due.append(next)
            cursor = next
        }
        guard let latest = due.last else { return plan.start == nil ? nil : plan }
        let late = now.timeIntervalSince(latest) > Self.misfireThreshold
        plan.records = due.dropLast().map { FireEntry($0, .missed, "no scheduler ran at the fire time") }
        plan.checkpoint = now
        let busy = state.hasActiveJob || plan.start != nil
        if late && schedule.misfire == .skip {
            plan.records.append(FireEntry(latest, .missed, "missed; misfire policy skip"))
        } else if busy && schedule.overlap != .allow {
            plan.records.append(
                schedule.overlap == .skip
                    ? FireEntry(latest, .skipped, "the schedule's previous job is still running (overlap policy skip)")
                    : FireEntry(
                        latest, .queued, "waiting for the schedule's previous job to end (overlap policy queue)"))
        } else if plan.start == nil {
            plan.records.append(FireEntry(latest, .started, late ? "late; misfire policy run-once" : nil))
            plan.start = FireStart(fire: latest, wasQueued: false, jobs: [], failures: [])
        } else {
            // overlap allow while a queued fire starts now: this fire waits for the next pass.
            plan.records.append(FireEntry(latest, .queued, "waiting for the queued fire before it (overlap policy)"))
        }
        report.missed += plan.records.filter { $0.status == .missed }.count
        report.skipped += plan.records.filter { $0.status == .skipped }.count
        return plan
    }
}

/// Runbooks loaded once per pass: a thousand schedules that start one runbook read it once.
/// A link starts the account's published runbook; links made before runbooks were published
/// resources fall back to the folder they recorded, then to the daemon's runbooks folder.
struct RunbookCache {
    let store: any RunbookStoring
    let library: RunbookLibrary
    private var loaded: [String: Result<LoadedRunbook, RunbookUnavailable>] = [:]

    init(store: any RunbookStoring, library: RunbookLibrary) {
        self.store = store
        self.library = library
    }

    mutating func prepare(_ link: ScheduleLink) async throws -> PreparedJob {
        let key = (link.folder ?? "") + "\u{0}" + link.runbook
        let result: Result<LoadedRunbook, RunbookUnavailable>
        if let cached = loaded[key] { result = cached } else { result = await load(link) }
        loaded[key] = result
        return try JobRunner.prepare(try result.get(), parameters: link.parameters)
    }

    private func load(_ link: ScheduleLink) async -> Result<LoadedRunbook, RunbookUnavailable> {
        do {
            if let resource = try await store.runbookResource(named: link.runbook) {
                guard let published = try resource.loadedPublished() else {
                    return .failure(RunbookUnavailable(message: "not published (it has no published version)"))
                }
                return .success(published)
            }
            let source = link.folder.map { RunbookLibrary(folder: $0) } ?? library
            guard FileManager.default.fileExists(atPath: source.path(for: link.runbook)) else {
                return .failure(
                    RunbookUnavailable(message: "no published runbook of that name (deleted, or never published)"))
            }
            return .success(try source.load(link.runbook))
        } catch {
            return .failure(RunbookUnavailable(message: "\(error)".replacingOccurrences(of: "error: ", with: "")))
        }
    }
}

/// Why a fire could not start its runbook; recorded with the fire.
struct RunbookUnavailable: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
