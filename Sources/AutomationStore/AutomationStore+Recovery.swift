import Automation
import Foundation
import GRDB

/// The process that runs a job.
public struct JobOwner: Sendable, Hashable {
    public var pid: Int
    public var host: String

    public init(pid: Int, host: String) {
        self.pid = pid
        self.host = host
    }

    public static var current: JobOwner {
        JobOwner(pid: Int(getpid()), host: ProcessInfo.processInfo.hostName)
    }

    /// Whether the owning process still runs (only answerable on its own host).
    var isAlive: Bool {
        kill(pid_t(pid), 0) == 0 || errno == EPERM
    }
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

extension AutomationStore {
    /// Jobs left unfinished by a process that has died (on this host) each get a status that
    /// says what happened, in its own transaction; returns their ids. What could not have done
    /// anything yet, or was being suspended or resumed, is Suspended at its checkpoint so that
    /// `runbook jobs resume` runs it; a job cut off in the middle of a step is Failed; a job
    /// being stopped is Stopped.
    @discardableResult
    public func recoverOrphanedJobs(at now: Date, host: String = JobOwner.current.host) throws -> [RecoveredJob] {
        let candidates = try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, ownerPid, status FROM job
                    WHERE status IN \(JobStatus.unfinishedSQL) AND status != 'Suspended'
                    AND ownerHost = ? AND ownerPid IS NOT NULL
                    """, arguments: [host])
        }
        var recovered: [RecoveredJob] = []
        for row in candidates {
            let id: String = row["id"]
            let pid: Int = row["ownerPid"]
            let status = JobStatus(rawValue: row["status"]) ?? .running
            let owner = JobOwner(pid: pid, host: host)
            // A live process with that pid is either the owner or a reused pid; leave it, never guess.
            guard !owner.isAlive else { continue }
            let died = "the process that ran this job (pid \(pid) on \(host)) ended while it was \(status.rawValue)"
            let ending: JobStatus? = try writer.write { db in
                // Read again in the transaction: another process may have recovered it meanwhile.
                guard let record = try JobRecord.fetchOne(db, key: id), record.status == status.rawValue,
                    record.ownerPid == pid
                else { return nil }
                switch status {
                case .new, .activating, .suspending, .resuming:
                    let step = record.checkpointStep ?? 0
                    try Self.transition(db, job: id, to: .suspended, at: now) { record in
                        record.checkpointStep = step
                        record.exception =
                            "\(died); suspended by recovery before step \(step + 1): 'runbook jobs resume \(id)' runs it from there"
                        record.suspendRequestedAt = nil
                        record.ownerPid = nil
                        record.ownerHost = nil
                    }
                    return .suspended
                case .stopping:
                    try Self.transition(db, job: id, to: .stopped, at: now) { record in
                        record.exception = "\(died); marked Stopped by recovery, as was asked"
                    }
                    return .stopped
                default:
                    try Self.transition(db, job: id, to: .failed, at: now) { record in
                        record.exception = "\(died); marked Failed by recovery"
                    }
                    return .failed
                }
            }
            if let ending { recovered.append(RecoveredJob(id: id, status: ending)) }
        }
        return recovered
    }

    /// Deletes jobs (with their streams and status history) created before `cutoff`, in batches
    /// so that running jobs are never blocked for long. Returns how many were deleted.
    public func purgeJobs(before cutoff: Date, batch: Int = 500) throws -> Int {
        var total = 0
        while true {
            let deleted = try writer.write { db -> Int in
                try db.execute(
                    sql: """
                        DELETE FROM job WHERE id IN (
                            SELECT id FROM job WHERE createdAt < ? AND status IN ('Completed', 'Failed', 'Stopped')
                            LIMIT ?)
                        """, arguments: [cutoff, batch])
                return db.changesCount
            }
            total += deleted
            if deleted < batch { return total }
        }
    }
}
