import Automation
import AutomationStore
import Foundation
import Logging

/// Runs one runbook as a job: New -> Activating -> Running -> Completed | Failed | Stopped,
/// every transition and stream record stored as it happens.
public struct JobRunner: Sendable {
    /// Azure stops sandbox jobs after three hours (fair share); here it is the default limit.
    public static let defaultJobTimeout: Duration = .seconds(3 * 3600)

    let store: AutomationStore
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let logger: Logger
    let actions: [String: any ActionHandler]
    let makeID: @Sendable () -> String
    let streamCap: Int
    /// How often the runner checks for a stop request from another process; nil: never.
    let stopPoll: Duration?

    public init(
        store: AutomationStore,
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger,
        actions: [String: any ActionHandler] = BuiltinActions.byName,
        makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
        streamCap: Int = JobStreamWriter.defaultCap,
        stopPoll: Duration? = nil
    ) {
        self.streamCap = streamCap
        self.stopPoll = stopPoll
        self.store = store
        self.clock = clock
        self.now = now
        self.logger = logger
        self.actions = actions
        self.makeID = makeID
    }

    /// Creates the job and runs it to a final status; returns the stored job.
    public func run(
        _ prepared: PreparedJob, reason: StartReason = .manual, startedBy: String? = nil,
        observer: JobStreamWriter.Observer? = nil
    ) async throws -> Job {
        let job = try create(prepared, reason: reason, startedBy: startedBy)
        return try await start(job, prepared, observer: observer)
    }

    /// Records a job in status New; `start` runs it. A scheduler creates jobs first and starts
    /// them as slots free up, so waiting jobs are visible as New.
    public func create(_ prepared: PreparedJob, reason: StartReason = .manual, startedBy: String? = nil) throws -> Job {
        let runbook = prepared.runbook
        let job = Job(
            id: makeID(), runbookName: runbook.name, runbookDigest: prepared.loaded.digest,
            runbookContent: prepared.loaded.content, parameters: prepared.parameters, startReason: reason,
            startedBy: startedBy, accountName: try store.defaultAccount()?.account.name, createdAt: now(),
            logVerbose: runbook.logVerbose, logProgress: runbook.logProgress)
        try store.createJob(job)
        return job
    }

    /// Runs a job created by `create` to a final status; returns the stored job.
    public func start(_ job: Job, _ prepared: PreparedJob, observer: JobStreamWriter.Observer? = nil) async throws
        -> Job
    {
        let runbook = prepared.runbook
        var log = logger
        log[metadataKey: "job.id"] = "\(job.id)"
        log[metadataKey: "runbook.name"] = "\(runbook.name)"
        log.info("job started")
        let sink = JobStreamWriter(
            jobId: job.id, store: store, now: now, keepVerbose: runbook.logVerbose, keepProgress: runbook.logProgress,
            cap: streamCap, observer: observer)
        try store.transition(job: job.id, to: .activating, at: now())
        try store.transition(job: job.id, to: .running, at: now())
        let ending = await execute(prepared, jobId: job.id, sink: sink)
        let failures = await sink.storageFailures()
        let (status, exception): (JobStatus, String?) =
            failures.isEmpty ? ending : (.failed, "stream records could not be stored: \(failures[0])")
        try store.transition(job: job.id, to: status, at: now(), exception: exception)
        log.info("job ended", metadata: ["job.status": "\(status.rawValue)"])
        guard let stored = try store.job(job.id) else { throw StoreError.notFound(kind: "job", name: job.id, hint: "") }
        return stored
    }

    /// Runs the steps within the job's time limit; returns the final status and exception.
    private func execute(_ prepared: PreparedJob, jobId: String, sink: JobStreamWriter) async -> (JobStatus, String?) {
        let limit = prepared.runbook.timeout ?? Self.defaultJobTimeout
        let work: @Sendable () async -> TimeLimit.Outcome<(JobStatus, String?)> = {
            await TimeLimit.run(limit, clock: self.clock) { await self.runSteps(prepared, jobId: jobId, sink: sink) }
        }
        let result: TimeLimit.Outcome<(JobStatus, String?)>
        if let stopPoll {
            guard
                let raced = await StopWatch.race(
                    work, poll: stopPoll, clock: clock,
                    stopped: {
                        (try? self.store.stopRequested(job: jobId)) ?? false
                    })
            else {
                let message = "job stopped: stop requested ('runbook jobs stop')"
                await sink.write(.error, message)
                return (.stopped, message)
            }
            result = raced
        } else {
            result = await work()
        }
        switch result {
        case .finished(let ending):
            // Cancelled from outside (Ctrl-C on `runbook run`): the job stops, and says why.
            if Task.isCancelled && ending.0 != .completed {
                let message = "job stopped: interrupted before it finished"
                await sink.write(.error, message)
                return (.stopped, message)
            }
            return ending
        case .timedOut:
            let message = "job stopped: it ran longer than its \(DurationText.format(limit)) limit"
            await sink.write(.error, message)
            return (.stopped, message)
        }
    }

    private func runSteps(_ prepared: PreparedJob, jobId: String, sink: JobStreamWriter) async -> (JobStatus, String?) {
        let steps = prepared.runbook.steps
        let context = ActionContext(jobId: jobId, store: store, sink: sink, now: now)
        for (index, step) in steps.enumerated() {
            await sink.write(.progress, "Step \(index + 1) of \(steps.count): \(step.name)")
            await sink.write(.verbose, "Starting step '\(step.name)' (action \(step.action))")
            let result = await runStep(step, inputs: prepared.stepInputs[index], context: context)
            guard case .failed(let reason) = result else {
                await sink.write(.verbose, "Step '\(step.name)' succeeded")
                continue
            }
            if step.continueOnError {
                await sink.write(.warning, "step '\(step.name)' failed: \(reason); continuing (continueOnError)")
                continue
            }
            if Task.isCancelled { return (.stopped, "step '\(step.name)' was cancelled") }
            return (.failed, "step '\(step.name)' failed: \(reason)")
        }
        return (.completed, nil)
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
            } catch {
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
