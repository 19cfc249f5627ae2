/// What stop, suspend, resume and recovery do to a job in each status, and their messages: one
/// pure place, unit-tested without a database. The stores read the job's status in a
/// transaction, ask here, and apply the decision in the same transaction.
public enum JobLifecycle {
    public enum StopDecision: Sendable, Hashable {
        /// The job has ended; nothing to stop.
        case alreadyFinal(JobStatus)
        /// No process runs it (Suspended, or Resuming and not claimed): Stopped at once.
        case stopNow(exception: String)
        /// Its process stops it at the next step boundary; the job shows Stopping meanwhile.
        case request(enterStopping: Bool)
    }

    public static func stop(_ status: JobStatus, owned: Bool, by requester: JobRequester) -> StopDecision {
        if status.isFinal { return .alreadyFinal(status) }
        // Nothing runs it (suspended, queued to resume, or waiting for a worker of its group):
        // stopped at once, since no process would see the request.
        if !owned && [.suspended, .resuming, .new, .stopping].contains(status) {
            return .stopNow(
                exception: JobRequester.asked("Stop", by: requester.phrase)
                    + ": the job was stopped while \(status.rawValue.lowercased())")
        }
        return .request(enterStopping: status != .stopping)
    }

    public enum SuspendDecision: Sendable, Hashable {
        case alreadyFinal(JobStatus)
        /// Already Suspending or Suspended.
        case already(JobStatus)
        /// Suspending now; Suspended at the next step boundary.
        case request
    }

    public static func suspend(_ status: JobStatus) -> SuspendDecision {
        if status.isFinal { return .alreadyFinal(status) }
        if status == .suspending || status == .suspended { return .already(status) }
        return .request
    }

    public enum ResumeDecision: Sendable, Hashable {
        /// Suspended -> Resuming: a process (or the scheduler) claims it and runs it on.
        case queue
        /// Only a Suspended job resumes.
        case notSuspended(JobStatus)
    }

    public static func resume(_ status: JobStatus) -> ResumeDecision {
        status == .suspended ? .queue : .notSuspended(status)
    }

    public enum RecoveryDecision: Sendable, Hashable {
        /// It had not started a step, or was being suspended or resumed: Suspended before
        /// `beforeStep` (1-based), resumable.
        case suspend(beforeStep: Int, exception: String)
        /// A stop had been asked for: Stopped.
        case stopped(exception: String)
        /// Cut off in the middle of a step that may run again, with restarts left: back to New,
        /// run again by the next claim from the start of step `fromStep` (1-based).
        case restart(fromStep: Int, exception: String)
        /// Cut off in the middle of a step: Failed.
        case failed(exception: String)

        public var status: JobStatus {
            switch self {
            case .restart: .new
            case .suspend: .suspended
            case .stopped: .stopped
            case .failed: .failed
            }
        }
    }

    /// What recovery does with a job whose process died; `diedBecause` says which process and
    /// where, `committed` lists what the job had already stored (empty, or `; before that...`).
    /// `restarts` is how many times it was restarted already, `restartLimit` how many it may be.
    /// A job for a hybrid worker group (`runOn`) runs again on the group's next worker, and past
    /// its limit it is Suspended, as Azure suspends a hybrid job restarted more than three times.
    public static func recover(
        job id: String, status: JobStatus, checkpointStep: Int?, diedBecause died: String, committed: String,
        restarts: Int, restartLimit: Int, runOn: String? = nil
    ) -> RecoveryDecision {
        let next = runOn.map { "the next worker of the group '\($0)' to claim it" } ?? "the next node to claim it"
        switch status {
        case .new, .activating, .suspending, .resuming:
            let step = (checkpointStep ?? 0) + 1
            return .suspend(
                beforeStep: step,
                exception: "\(died); suspended by recovery before step \(step): a resume runs it from there"
                    + committed)
        case .stopping:
            return .stopped(exception: "\(died); marked Stopped by recovery, as was asked" + committed)
        case .running where restarts < restartLimit:
            let step = (checkpointStep ?? 0) + 1
            let label = JobRestarts.label(restart: restarts + 1, of: restartLimit)
            return .restart(
                fromStep: step,
                exception: "\(died); put back in New by recovery (\(label)): \(next) runs it again from step \(step)"
                    + committed)
        case .running where runOn != nil:
            let step = (checkpointStep ?? 0) + 1
            return .suspend(
                beforeStep: step,
                exception: "\(died); suspended by recovery after \(restarts) restart(s), its limit: a resume runs it "
                    + "again from step \(step) on a worker of the group '\(runOn ?? "")'" + committed)
        case .running where restartLimit > 0:
            return .failed(
                exception: "\(died); marked Failed by recovery after \(restarts) restart(s), its limit" + committed)
        default:
            return .failed(exception: "\(died); marked Failed by recovery" + committed)
        }
    }
}
