/// Who asked for a stop or a suspend, as the job's record says it: in the account's terms,
/// whichever front end carried the request.
public enum JobRequester: Sendable, Hashable {
    case commandLine
    /// Through the API with this token (its name).
    case token(String)
    /// Through the portal, signed in with this token (its name).
    case portal(String)

    /// "from the command line", "by token 'ci'", "by token 'ci' in the portal".
    public var phrase: String {
        switch self {
        case .commandLine: "from the command line"
        case .token(let name): "by token '\(name)'"
        case .portal(let name): "by token '\(name)' in the portal"
        }
    }

    /// "Stop requested from the command line" (or without who, for a request stored before
    /// requests said who made them).
    public static func asked(_ what: String, by phrase: String?) -> String {
        phrase.map { "\(what) requested \($0)" } ?? "\(what) requested"
    }

    /// A stop or suspend asked while a job was being handed over between steps takes effect
    /// there, as at a step boundary: the exception of a job stopped or suspended before `step`
    /// (1-based).
    public static func atHandOver(stop: Bool, by phrase: String?, beforeStep step: Int) -> String {
        stop
            ? asked("Stop", by: phrase) + ": the job was stopped before step \(step)"
            : asked("Suspend", by: phrase) + ": suspended before step \(step)"
    }
}

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
