/// Restarting a job whose process or node died in the middle of a step, as Azure restarts a
/// hybrid worker's job: the job goes back to New and the next node (or scheduler) that claims
/// it runs it again from the start of the step that was cut off; the steps before it are not
/// run again. Every action can run again safely, which is why no step opts out:
/// enable-tracking and disable-tracking set a state (a second run finds it set); configure-tracking
/// stores the same settings again; scan compares with what the last scan stored, so changes a
/// cut-off scan already committed are not recorded twice; assert-no-changes and report-changes
/// only read; log writes its message again; wait waits again. A runbook's `restarts: 0` (or
/// `runbook run --restarts 0`) turns it off: such a job is Failed as soon as it is cut off.
public enum JobRestarts {
    /// Azure's: a job is restarted at most three times.
    public static let defaultLimit = 3
    /// What a runbook or a job may ask for.
    public static let allowed = 0...10

    /// The status history's word for each attempt after the first: `New (restart 1 of 3)`.
    public static func label(restart: Int, of limit: Int) -> String {
        "restart \(restart) of \(limit)"
    }

    /// The timeline of a job, each status with the attempt it began when it is a restart: a
    /// `New` after the first status starts the next attempt.
    public static func attempts(in history: [JobStatusChange]) -> [(change: JobStatusChange, restart: Int?)] {
        var restart = 0
        return history.enumerated().map { index, change in
            guard index > 0, change.status == .new else { return (change, nil) }
            restart += 1
            return (change, restart)
        }
    }
}
