import Automation
import RunbookEngine
import Scheduler

/// Where jobs started through the service run: the server's executor (the scheduler's shared
/// slots). The command line has none: it runs its jobs in the foreground.
public protocol JobSubmission: Sendable {
    func submit(_ job: Job, _ prepared: PreparedJob)
}

// The server's executor: the scheduler's slots.
extension JobInbox: JobSubmission {}
