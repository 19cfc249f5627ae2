/// What asking a job to stop did.
public enum JobStopOutcome: Sendable, Hashable {
    case requested
    /// The job had no process running it and is Stopped already.
    case stoppedNow
    case alreadyFinal(JobStatus)
    case notFound
}

/// What asking a job to suspend did.
public enum JobSuspendOutcome: Sendable, Hashable {
    case requested
    /// Already Suspending or Suspended.
    case already(JobStatus)
    case alreadyFinal(JobStatus)
    case notFound
}

/// What queueing a job's resume did.
public enum JobResumeOutcome: Sendable, Hashable {
    /// Now Resuming, waiting for a process to claim it.
    case queued(Job)
    /// Only a Suspended job resumes.
    case notSuspended(JobStatus)
    case notFound
}

/// A job that recovery ended or suspended, and the status it gave it.
public struct RecoveredJob: Sendable, Hashable {
    public var id: String
    public var status: JobStatus

    public init(id: String, status: JobStatus) {
        self.id = id
        self.status = status
    }
}
