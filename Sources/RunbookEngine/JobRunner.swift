import Automation
import ChangeTracking
import Foundation
import KQL
import Logging

/// Runs one runbook as a job: New -> Activating -> Running -> Completed | Failed | Stopped,
/// every transition and stream record stored as it happens.
public struct JobRunner: Sendable {
    /// Azure stops sandbox jobs after three hours (fair share); here it is the default limit.
    public static let defaultJobTimeout: Duration = .seconds(3 * 3600)

    /// Where the job's statuses, boundaries and streams are recorded.
    let store: any JobRecording
    /// Where this runner records its jobs as they run (a node's fenced view on PostgreSQL).
    public var recorder: any JobRecording { store }
    /// Where it creates and reads jobs, and finds the default account; nil on a hybrid worker.
    let jobStore: (any JobStoring & AccountStoring)?
    /// Where change-tracking actions read and write machines, snapshots and changes; nil on a
    /// hybrid worker.
    let tracking: (any TrackingStoring)?
    /// Where a step's Log Analytics query (`query` input) runs; nil on a hybrid worker.
    let logStore: (any LogQuerying)?
    /// A hybrid worker's own machine, which its `scan` steps scan; nil on a node.
    let ownMachine: (any OwnMachineScanning)?

    /// Where it creates and reads jobs (a node's or process's runner; a worker's has none).
    public var jobs: any JobStoring & AccountStoring {
        get throws {
            guard let jobStore else { throw WorkerStepRefusal() }
            return jobStore
        }
    }
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let logger: Logger
    let actions: [String: any ActionHandler]
    let makeID: @Sendable () -> String
    let streamCap: Int
    /// How often the runner checks for a stop request from another process; nil: never.
    let stopPoll: Duration?
    /// Why a cancelled job stopped, as its exception says.
    let interruption: String

    /// A runner that records jobs through `recorder` (a PostgreSQL node's fenced view), creates
    /// and reads them in `jobs`, and keeps change tracking in `tracking`; a step's Log Analytics
    /// query runs in `logStore`.
    public init(
        recorder: any JobRecording,
        jobs: any JobStoring & AccountStoring,
        tracking: any TrackingStoring,
        logStore: any LogQuerying,
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger,
        actions: [String: any ActionHandler] = BuiltinActions.byName,
        makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
        streamCap: Int = JobStreamWriter.defaultCap,
        stopPoll: Duration? = nil,
        interruption: String = "interrupted before it finished"
    ) {
        self.interruption = interruption
        self.streamCap = streamCap
        self.stopPoll = stopPoll
        self.store = recorder
        self.jobStore = jobs
        self.tracking = tracking
        self.logStore = logStore
        self.ownMachine = nil
        self.clock = clock
        self.now = now
        self.logger = logger
        self.actions = actions
        self.makeID = makeID
    }

    /// A hybrid worker's runner: it records through `recorder` (the service, which checks the
    /// worker's lease on every write) and reaches no store, so a step that needs one fails
    /// saying so; a `scan` step scans `ownMachine`; a stop or suspend asked elsewhere is read
    /// every `stopPoll`.
    public init(
        worker recorder: any JobRecording, ownMachine: (any OwnMachineScanning)?, logger: Logger,
        actions: [String: any ActionHandler] = BuiltinActions.byName, streamCap: Int = JobStreamWriter.defaultCap,
        stopPoll: Duration = .seconds(1)
    ) {
        self.ownMachine = ownMachine
        self.interruption = "the worker stopped before the job finished"
        self.streamCap = streamCap
        self.stopPoll = stopPoll
        self.store = recorder
        self.jobStore = nil
        self.tracking = nil
        self.logStore = nil
        self.clock = ContinuousClock()
        self.now = { Date() }
        self.logger = logger
        self.actions = actions
        self.makeID = { UUID().uuidString.lowercased() }
    }

    /// Runs a job a worker claimed (New, a restarted one, or Resuming) with the runbook content
    /// and parameters it recorded, until it ends or suspends; returns how it ended.
    public func runClaimed(_ job: Job, observer: JobStreamWriter.Observer? = nil) async throws -> JobStatus {
        let prepared: PreparedJob
        do {
            let loaded = try RunbookLoader.load(content: job.runbookContent, label: "job \(job.id)")
            prepared = try JobRunner.prepare(loaded, bound: job.parameters)
        } catch {
            try await store.transition(
                job: job.id, to: .failed, at: now(), exception: "the recorded runbook does not load: \(error)")
            return .failed
        }
        let sink = JobStreamWriter(
            jobId: job.id, store: store, now: now, keepVerbose: job.logVerbose, keepProgress: job.logProgress,
            cap: streamCap,
            usage: job.status == .resuming || job.restarts > 0 ? try await store.streamUsage(job: job.id) : [:],
            observer: observer, progress: nil)
        return try await proceed(job, prepared, sink: sink, placement: job.runOn).status
    }

    /// Runs a recorded job on from its checkpoint: a Resuming one goes on Running, any other
    /// (New, or restarted by recovery) enters Activating; each says so in its Verbose stream.
    private func proceed(_ job: Job, _ prepared: PreparedJob, sink: JobStreamWriter, placement: String?)
        async throws -> Job
    {
        let steps = prepared.runbook.steps.count
        let step = min(job.checkpointStep ?? 0, steps)
        if job.status == .resuming {
            await sink.write(.verbose, "Resumed before step \(step + 1) of \(steps)")
            return try await drive(
                job.id, prepared, from: step, entering: [.running], sink: sink, resumedWait: job.waitLeft,
                placement: placement)
        }
        if job.restarts > 0 {
            let label = JobRestarts.label(restart: job.restarts, of: job.restartLimit)
            await sink.write(.verbose, "Restarted (\(label)) before step \(step + 1) of \(steps)")
        }
        return try await drive(
            job.id, prepared, from: step, entering: [.activating, .running], sink: sink, placement: placement)
    }

    /// The job as a run ended it, for a runner that reads no store back.
    static func ended(_ id: String, _ prepared: PreparedJob, _ ending: Ending) -> Job {
        var job = newJob(prepared, id: id, reason: .manual, startedBy: nil, accountName: nil, at: Date())
        job.status = ending.suspendedAt == nil ? ending.status : .suspended
        job.exception = ending.exception
        return job
    }

    /// Creates the job and runs it until it ends or suspends; returns the stored job.
    /// `observer` sees each stream record as it is stored; `progress`, how far a scan is.
    public func run(
        _ prepared: PreparedJob, reason: StartReason = .manual, startedBy: String? = nil,
        observer: JobStreamWriter.Observer? = nil, progress: ScanProgress.Observer? = nil
    ) async throws -> Job {
        let job = try await create(prepared, reason: reason, startedBy: startedBy)
        return try await start(job, prepared, observer: observer, progress: progress)
    }

    /// Records a job in status New; `start` runs it. A scheduler creates jobs first and starts
    /// them as slots free up, so waiting jobs are visible as New.
    public func create(_ prepared: PreparedJob, reason: StartReason = .manual, startedBy: String? = nil) async throws
        -> Job
    {
        let job = makeJob(
            prepared, reason: reason, startedBy: startedBy,
            accountName: try await jobs.defaultAccount()?.account.name)
        try await jobs.createJob(job)
        return job
    }

    /// The record of a new job, not yet stored (a scheduler pass stores its jobs together).
    public func makeJob(_ prepared: PreparedJob, reason: StartReason, startedBy: String?, accountName: String?) -> Job {
        Self.newJob(
            prepared, id: makeID(), reason: reason, startedBy: startedBy, accountName: accountName, at: now())
    }

    /// The record of a new job named `id` (the API's caller picks it), created at `now`.
    public static func newJob(
        _ prepared: PreparedJob, id: String, reason: StartReason, startedBy: String?, accountName: String?,
        at now: Date
    ) -> Job {
        let runbook = prepared.runbook
        return Job(
            id: id, runbookName: runbook.name, runbookDigest: prepared.loaded.digest,
            runbookContent: prepared.loaded.content, parameters: prepared.parameters, startReason: reason,
            startedBy: startedBy, accountName: accountName, createdAt: now, logVerbose: runbook.logVerbose,
            logProgress: runbook.logProgress, runbookSource: prepared.loaded.path,
            restartLimit: prepared.restartLimit ?? runbook.restarts)
    }

    /// Runs a job created by `create` until it ends or suspends; returns the stored job. A job
    /// that recovery restarted (its node died in the middle of a step) runs again from that step,
    /// its earlier streams kept.
    public func start(
        _ job: Job, _ prepared: PreparedJob, observer: JobStreamWriter.Observer? = nil,
        progress: ScanProgress.Observer? = nil
    ) async throws -> Job {
        let restarted = job.restarts > 0
        let sink = JobStreamWriter(
            jobId: job.id, store: store, now: now, keepVerbose: prepared.runbook.logVerbose,
            keepProgress: prepared.runbook.logProgress, cap: streamCap,
            usage: restarted ? try await store.streamUsage(job: job.id) : [:], observer: observer, progress: progress)
        let step = restarted ? min(job.checkpointStep ?? 0, prepared.runbook.steps.count) : 0
        if restarted {
            let label = JobRestarts.label(restart: job.restarts, of: job.restartLimit)
            await sink.write(
                .verbose, "Restarted (\(label)) before step \(step + 1) of \(prepared.runbook.steps.count)")
        }
        return try await drive(job.id, prepared, from: step, entering: [.activating, .running], sink: sink)
    }

    /// Resumes a Suspended job in this process from the step it stopped at, with the runbook
    /// content and parameters it recorded (Suspended -> Resuming -> Running). Also takes a job
    /// already queued as Resuming by `runbook jobs resume --queue`, or one recovery restarted
    /// (New again, from the step its dead process was in); `claimed`: a node already took it
    /// with its lease.
    public func resume(
        _ id: String, claimed: Bool = false, observer: JobStreamWriter.Observer? = nil,
        progress: ScanProgress.Observer? = nil
    ) async throws -> Job {
        guard let job = try await jobs.job(exactly: id) else {
            throw StoreError.notFound(kind: "job", name: id, hint: "")
        }
        if job.status == .suspended,
            case .notSuspended(let status) = try await jobs.queueResume(job: job.id, at: now())
        {
            throw ResumeError.notSuspended(id: job.id, status: status)
        }
        let taken = try await claimed ? true : store.claimResume(job: job.id)
        guard taken else {
            let status = try await jobs.job(exactly: job.id)?.status ?? job.status
            throw status == .resuming
                ? ResumeError.takenByAnotherProcess(id: job.id) : ResumeError.notSuspended(id: job.id, status: status)
        }
        let prepared: PreparedJob
        do {
            let loaded = try RunbookLoader.load(content: job.runbookContent, label: "job \(job.id)")
            prepared = try JobRunner.prepare(loaded, bound: job.parameters)
        } catch {
            // The recorded content always loaded once; a newer version's rules may refuse it.
            try await store.transition(
                job: job.id, to: .failed, at: now(), exception: "the recorded runbook no longer loads: \(error)")
            throw ResumeError.unloadable(id: job.id, reason: "\(error)")
        }
        let sink = JobStreamWriter(
            jobId: job.id, store: store, now: now, keepVerbose: job.logVerbose, keepProgress: job.logProgress,
            cap: streamCap, usage: try await store.streamUsage(job: job.id), observer: observer, progress: progress)
        // A restart by recovery is New again; anything else is Resuming now, claimed here.
        var claimedJob = job
        if claimedJob.status != .new { claimedJob.status = .resuming }
        return try await proceed(claimedJob, prepared, sink: sink, placement: nil)
    }

    /// Running (through `entering`), the steps from `first`, then the ending: a final status
    /// or Suspended.
    private func drive(
        _ id: String, _ prepared: PreparedJob, from first: Int, entering: [JobStatus], sink: JobStreamWriter,
        resumedWait: Duration? = nil, placement: String? = nil
    ) async throws -> Job {
        var log = logger
        log[metadataKey: "job.id"] = "\(id)"
        log[metadataKey: "runbook.name"] = "\(prepared.runbook.name)"
        log.info("job started", metadata: first > 0 ? ["job.resumedAtStep": "\(first + 1)"] : [:])
        // Entering Running is also the first step's boundary: one transaction for both. A job
        // asked to stop while it waited is not moved to Running; its first boundary ends it.
        let asked = try await store.stepBoundary(job: id, entering: entering, step: first, at: now())
        var ending = await execute(
            prepared, jobId: id, from: first, firstBoundary: asked, sink: sink, resumedWait: resumedWait,
            placement: placement)
        let failures = await sink.storageFailures()
        if !failures.isEmpty {
            ending = Ending(status: .failed, exception: "stream records could not be stored: \(failures[0])")
        }
        if let handOver = ending.handedOver {
            try await store.handOver(job: id, beforeStep: handOver.step, to: handOver.group, at: now())
        } else if let step = ending.suspendedAt {
            try await store.suspend(
                job: id, atStep: step, at: now(), reason: ending.exception ?? "suspended",
                waitRemaining: ending.waitRemaining)
        } else {
            try await store.transition(job: id, to: ending.status, at: now(), exception: ending.exception)
        }
        log.info("job ended", metadata: ["job.status": "\(ending.status.rawValue)"])
        guard let jobStore else { return Self.ended(id, prepared, ending) }
        guard let stored = try await jobStore.job(exactly: id) else {
            throw StoreError.notFound(kind: "job", name: id, hint: "")
        }
        return stored
    }

    /// How a run of a job ends: a final status, or Suspended before step `suspendedAt`.
    struct Ending: Sendable {
        var status: JobStatus
        var exception: String?
        var suspendedAt: Int?
        /// Seconds left of the wait it was suspended in the middle of.
        var waitRemaining: Double?
        /// Handed over before `step` to where that step runs (a group, or the nodes: nil).
        var handedOver: (step: Int, group: String?)?

        static func suspended(before step: Int, _ reason: String) -> Ending {
            Ending(status: .suspended, exception: reason, suspendedAt: step)
        }
    }

    /// Runs the steps within the job's time limit; returns how the job ends.
    private func execute(
        _ prepared: PreparedJob, jobId: String, from first: Int, firstBoundary: JobStepRequests,
        sink: JobStreamWriter, resumedWait: Duration?, placement: String?
    ) async -> Ending {
        let limit = prepared.timeLimit ?? prepared.runbook.timeout ?? Self.defaultJobTimeout
        let cursor = StepCursor()
        let work: @Sendable () async -> TimeLimit.Outcome<Ending> = {
            await TimeLimit.run(limit, clock: self.clock) {
                await self.runSteps(
                    prepared, jobId: jobId, from: first, firstBoundary: firstBoundary, sink: sink, cursor: cursor,
                    resumedWait: resumedWait, placement: placement)
            }
        }
        let result: TimeLimit.Outcome<Ending>
        if let stopPoll {
            let none = JobStepRequests(stop: false, suspend: false)
            switch await StopWatch.race(
                work, poll: stopPoll, clock: clock,
                asked: { (try? await self.store.pendingRequests(job: jobId)) ?? none })
            {
            case .finished(let raced):
                result = raced
            case .stopped(let by):
                // A stop is the account's decision, not an error of the runbook's: said in words.
                let message =
                    JobRequester.asked("Stop", by: by) + ": the job was stopped during step \(cursor.current.index + 1)"
                await sink.write(.warning, message)
                return Ending(status: .stopped, exception: message)
            case .suspended(let by):
                let (index, name) = cursor.current
                // A wait keeps what it has left; any other step runs again from its start.
                let left = cursor.waitRemaining()
                let resumes =
                    left.map {
                        "a resume waits the \(DurationText.format(.milliseconds(Int64(($0 * 1000).rounded(.up))))) it had left"
                    }
                    ?? "a resume runs that step again from its start"
                let reason =
                    JobRequester.asked("Suspend", by: by) + ": suspended during step \(index + 1) '\(name)'; \(resumes)"
                await sink.write(.warning, reason)
                var ending = Ending.suspended(before: index, reason)
                ending.waitRemaining = left
                return ending
            }
        } else {
            result = await work()
        }
        switch result {
        case .finished(let ending):
            // Cancelled from outside (Ctrl-C on `runbook run`, a scheduler's grace period ending):
            // the job stops, and says why.
            if Task.isCancelled && ending.status != .completed {
                let message = "job stopped: \(interruption)"
                await sink.write(.error, message)
                return Ending(status: .stopped, exception: message)
            }
            return ending
        case .timedOut:
            let message = "job stopped: it ran longer than its \(DurationText.format(limit)) limit"
            await sink.write(.error, message)
            return Ending(status: .stopped, exception: message)
        }
    }

    /// `firstBoundary`: what was asked before the first step (read when the job entered Running).
    /// `placement`: where this runner runs the job (a worker's group; nil on a node); a runbook
    /// that places its steps (`runOn` on a step) is handed over where a step runs elsewhere.
    private func runSteps(
        _ prepared: PreparedJob, jobId: String, from first: Int, firstBoundary: JobStepRequests,
        sink: JobStreamWriter, cursor: StepCursor, resumedWait: Duration?, placement: String?
    ) async -> Ending {
        let steps = prepared.runbook.steps
        var context = ActionContext(
            jobId: jobId, trackingStore: tracking, logQueries: logStore, ownMachine: ownMachine, recorder: store,
            sink: sink, now: now, cursor: cursor)
        for index in steps.indices where index >= first {
            context.resumedWait = index == first ? resumedWait : nil
            let step = steps[index]
            // The step boundary: where a requested stop or suspend takes effect at once, and the
            // checkpoint a resume starts from.
            let asked: JobStepRequests
            do {
                asked =
                    index == first
                    ? firstBoundary : try await store.stepBoundary(job: jobId, entering: [], step: index, at: now())
            } catch {
                return Ending(status: .failed, exception: "the job's checkpoint could not be stored: \(error)")
            }
            if asked.stop {
                let message =
                    JobRequester.asked("Stop", by: asked.requestedBy) + ": the job was stopped before step \(index + 1)"
                await sink.write(.warning, message)
                return Ending(status: .stopped, exception: message)
            }
            if asked.suspend {
                let reason =
                    JobRequester.asked("Suspend", by: asked.requestedBy)
                    + ": suspended before step \(index + 1) '\(step.name)'"
                await sink.write(.warning, reason)
                return .suspended(before: index, reason)
            }
            if prepared.runbook.placesSteps && step.runOn != placement {
                let destination =
                    step.runOn.map { "a worker of the hybrid worker group '\($0)'" } ?? "the service's nodes"
                await sink.write(.verbose, "Step \(index + 1) '\(step.name)' runs on \(destination): handed over")
                var ending = Ending(status: .resuming)
                ending.handedOver = (index, step.runOn)
                return ending
            }
            cursor.enter(index, step.name)
            await sink.write(.progress, "Step \(index + 1) of \(steps.count): \(step.name)")
            await sink.write(.verbose, "Starting step '\(step.name)' (action \(step.action))")
            let result = await runStep(step, inputs: prepared.stepInputs[index], context: context)
            guard case .failed(let reason) = result else {
                await sink.write(.verbose, "Step '\(step.name)' succeeded")
                continue
            }
            if Task.isCancelled { return Ending(status: .stopped, exception: "step '\(step.name)' was cancelled") }
            switch step.onError {
            case .continue:
                await sink.write(.warning, "step '\(step.name)' failed: \(reason); continuing (onError: continue)")
            case .suspend:
                let message =
                    "step '\(step.name)' failed: \(reason); suspended before it (onError: suspend); a resume runs it "
                    + "again"
                await sink.write(.warning, message)
                return .suspended(before: index, message)
            case .fail:
                return Ending(status: .failed, exception: "step '\(step.name)' failed: \(reason)")
            }
        }
        return Ending(status: .completed)
    }

    /// One step with its timeout and retries.
    private func runStep(_ step: Step, inputs: Value, context: ActionContext) async -> StepResult {
        guard let handler = actions[step.action] else {
            return .failed("no implementation for action '\(step.action)'")
        }
        let attempts = step.retry?.attempts ?? 1
        var last = StepResult.succeeded
        for attempt in 1...attempts {
            last = await attemptStep(step, handler: handler, inputs: inputs, context: context)
            guard case .failed(let reason) = last, attempt < attempts, !Task.isCancelled else { return last }
            let delay = step.retry?.delay ?? .zero
            await context.sink.write(
                .warning,
                "step '\(step.name)' failed (attempt \(attempt) of \(attempts)): \(reason); "
                    + "retrying in \(DurationText.format(delay))")
            do {
                try await clock.sleep(for: delay)
            } catch {
                return last
            }
        }
        return last
    }

    private func attemptStep(_ step: Step, handler: any ActionHandler, inputs: Value, context: ActionContext) async
        -> StepResult
    {
        let work: @Sendable () async -> StepResult = {
            do {
                return try await handler.run(inputs, context: context)
            } catch is CancellationError {
                // Stopped, suspended, timed out or shut down: the job's ending says which, in words.
                return .failed("cancelled")
            } catch {
                if Task.isCancelled { return .failed("cancelled") }
                await context.sink.write(.error, "\(error)")
                return .failed("\(error)")
            }
        }
        guard let timeout = step.timeout else { return await work() }
        switch await TimeLimit.run(timeout, clock: clock, work) {
        case .finished(let result):
            return result
        case .timedOut:
            let message = "timed out after \(DurationText.format(timeout))"
            await context.sink.write(.error, "step '\(step.name)' \(message)")
            return .failed(message)
        }
    }
}
