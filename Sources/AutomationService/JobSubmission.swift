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

// A node's executor: the job waits in New in the shared store; the wake makes this node's free
// slots claim it at once (another node may take it first).
extension NodeWakeup: JobSubmission {
    public func submit(_ job: Job, _ prepared: PreparedJob) { wake() }
}
