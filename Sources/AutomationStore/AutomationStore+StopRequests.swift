import Automation
import Foundation
import GRDB

extension AutomationStore {
    public typealias StopOutcome = JobStopOutcome

    /// Asks the process running a job to stop it: the job moves to Stopping now (recorded) and
    /// to Stopped when its runner sees the request. A job no process runs (Suspended, or
    /// Resuming and not yet claimed) is Stopped at once. One transaction.
    public func requestStop(job id: String, at now: Date, by requester: JobRequester = .commandLine) throws
        -> StopOutcome
    {
        try writer.write { db in try Self.requestStop(db, job: id, at: now, by: requester) }
    }

    static func requestStop(_ db: Database, job id: String, at now: Date, by requester: JobRequester) throws
        -> StopOutcome
    {
        guard let record = try JobRecord.fetchOne(db, key: id) else { return .notFound }
        let status = JobStatus(rawValue: record.status) ?? .failed
        switch JobLifecycle.stop(status, owned: record.ownerPid != nil, by: requester) {
        case .alreadyFinal(let status):
            return .alreadyFinal(status)
        case .stopNow(let exception):
            try Self.transition(db, job: id, to: .stopped, at: now) { record in record.exception = exception }
            return .stoppedNow
        case .request(let enterStopping):
            try db.execute(
                sql: "UPDATE job SET stopRequestedAt = ?, requestedBy = ? WHERE id = ?",
                arguments: [now, requester.phrase, id])
            if enterStopping { try Self.transition(db, job: id, to: .stopping, at: now) }
            return .requested
        }
    }

    public func pendingRequests(job id: String) throws -> JobStepRequests {
        try writer.read { db in try Self.pendingRequests(db, job: id) }
    }

    static func pendingRequests(_ db: Database, job id: String) throws -> JobStepRequests {
        // Whether a stop was asked, not when: a value that is not a date still counts. A job that
        // already ended (recovered while its process was paused) stops its runner too.
        guard
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT stopRequestedAt IS NOT NULL OR status IN \(JobStatus.finalSQL) AS stop,
                        suspendRequestedAt IS NOT NULL AS suspend, requestedBy FROM job WHERE id = ?
                    """, arguments: [id])
        else { return JobStepRequests(stop: false, suspend: false) }
        return JobStepRequests(
            stop: row["stop"] as Bool? ?? false, suspend: row["suspend"] as Bool? ?? false,
            requestedBy: row["requestedBy"] as String?)
    }
}
