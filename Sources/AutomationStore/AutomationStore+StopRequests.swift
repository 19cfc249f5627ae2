import Automation
import Foundation
import GRDB

extension AutomationStore {
    public enum StopOutcome: Sendable, Hashable {
        case requested
        case alreadyFinal(JobStatus)
        case notFound
    }

    /// Asks the process running a job to stop it: the job moves to Stopping now (recorded) and
    /// to Stopped when its runner sees the request. One transaction.
    public func requestStop(job id: String, at now: Date) throws -> StopOutcome {
        let outcome: StopOutcome = try writer.write { db in
            guard let record = try JobRecord.fetchOne(db, key: id) else { return .notFound }
            guard let status = JobStatus(rawValue: record.status), !status.isFinal else {
                return .alreadyFinal(JobStatus(rawValue: record.status) ?? .failed)
            }
            try db.execute(sql: "UPDATE job SET stopRequestedAt = ? WHERE id = ?", arguments: [now, id])
            return .requested
        }
        if outcome == .requested, try job(id)?.status != .stopping {
            try transition(job: id, to: .stopping, at: now)
        }
        return outcome
    }

    public func stopRequested(job id: String) throws -> Bool {
        try writer.read { db in
            try Date.fetchOne(db, sql: "SELECT stopRequestedAt FROM job WHERE id = ?", arguments: [id]) != nil
        }
    }
}
