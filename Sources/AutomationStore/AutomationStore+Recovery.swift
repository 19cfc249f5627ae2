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

    /// Whether the owning process still runs (only answerable on its own host). A pid that no
    /// process can have (0 and below mean process groups to kill(2), or beyond pid_t) is dead.
    var isAlive: Bool {
        guard let pid = pid_t(exactly: pid), pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}

extension AutomationStore {
    /// Jobs left unfinished by a process that has died (on this host) each get a status that
    /// says what happened, in its own transaction; returns their ids. What could not have done
    /// anything yet, or was being suspended or resumed, is Suspended at its checkpoint so that
    /// `runbook jobs resume` runs it; a job cut off in the middle of a step goes back to New to
    /// run again from that step (its runbook's `restarts:` times at most, then Failed); a job
    /// being stopped is Stopped. An ended job's end is its last recorded activity, not the time
    /// of recovery (nobody knows when the process died), and its exception lists what it had
    /// already committed (a scan's changes commit before the job's final status). A job row
    /// that cannot be read is reported and left as it is; the others are still recovered.
    @discardableResult
    ///
    /// `atStart`: the caller opens the store as it starts, before it has created any job, so a
    /// job owned by its own process id belongs to an earlier process that had the same id (a
    /// container's pid 1, restarted) and is recovered too.
    public func recoverOrphanedJobs(at now: Date, host: String = JobOwner.current.host, atStart: Bool = false) throws
        -> [RecoveredJob]
    {
        let candidates = try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, ownerPid, status FROM job
                    WHERE status IN \(JobStatus.unfinishedSQL) AND status != 'Suspended'
                    AND ownerHost = ? AND ownerPid IS NOT NULL AND runOn IS NULL
                    """, arguments: [host])
        }
        let orphans = readable(candidates, table: "job", key: "id") { row in
            let stored = StoredRow(row)
            return (
                id: try stored.text("id"), pid: try stored.integer("ownerPid"),
                status: try stored.enumeration(JobStatus.self, "status")
            )
        }
        var recovered: [RecoveredJob] = []
        for (id, pid, status) in orphans {
            let owner = JobOwner(pid: pid, host: host)
            // A live process with that pid is either the owner or a reused pid; leave it, never
            // guess (but see `atStart`).
            guard !owner.isAlive || (atStart && owner == JobOwner.current) else { continue }
            do {
                if let ending = try recover(id, pid: pid, status: status, host: host, at: now) {
                    recovered.append(RecoveredJob(id: id, status: ending))
                }
            } catch let problem as RowProblem {
                reportUnreadable(UnreadableRow(table: "job", key: StoredRow.clip(id), problem: "\(problem)"))
            }
        }
        return recovered
    }

    /// Ends or suspends one orphaned job in one transaction; nil when another process did first.
    private func recover(_ id: String, pid: Int, status: JobStatus, host: String, at now: Date) throws -> JobStatus? {
        let died = "the process that ran this job (pid \(pid) on \(host)) ended while it was \(status.rawValue)"
        return try writer.write { db in
            // Read again in the transaction: another process may have recovered it meanwhile.
            guard let record = try JobRecord.fetchOne(db, key: id), record.status == status.rawValue,
                record.ownerPid == pid
            else { return nil }
            return try Self.recover(db, record, status: status, reason: died, at: now)
        }
    }

    /// Recovers a job whose lease expired (its node stopped heartbeating), in the caller's
    /// transaction; nil when it moved on since it was read. `mayRestart`: the node's process is
    /// known to be gone, so a restart cannot race it.
    func recoverExpired(
        _ db: Database, job id: String, status: JobStatus, reason: String, at now: Date, mayRestart: Bool
    ) throws -> JobStatus? {
        guard let record = try JobRecord.fetchOne(db, key: id), record.status == status.rawValue else { return nil }
        return try Self.recover(db, record, status: status, reason: reason, at: now, mayRestart: mayRestart)
    }

    /// What recovery does to an unfinished job nobody runs any more: `JobLifecycle.recover`
    /// decides; its process and lease are let go.
    private static func recover(
        _ db: Database, _ record: JobRecord, status: JobStatus, reason: String, at now: Date, mayRestart: Bool = true
    ) throws -> JobStatus {
        let id = record.id
        let committed = try committedWork(db, job: id)
        let decision = JobLifecycle.recover(
            job: id, status: status, checkpointStep: record.checkpointStep, diedBecause: reason, committed: committed,
            restarts: record.restarts, restartLimit: mayRestart ? record.restartLimit : 0, runOn: record.runOn)
        switch decision {
        case .restart(let fromStep, let reason):
            // No process owns it until a node claims it; the claim finds it New, unleased. Why
            // it restarted goes to its Warning stream.
            try transition(db, job: id, to: .new, at: now) { record in
                record.checkpointStep = fromStep - 1
                record.restarts += 1
                record.stopRequestedAt = nil
                record.suspendRequestedAt = nil
                record.ownerPid = nil
                record.ownerHost = nil
            }
            // The lease goes too (its columns are not the record's): a worker's job is claimed
            // again by its group only while unleased.
            try db.execute(
                sql:
                    "UPDATE job SET leaseNode = NULL, leaseExpiresAt = NULL, ownerPid = NULL, ownerHost = NULL WHERE id = ?",
                arguments: [id])
            _ = try appendStream(db, job: id, [(.warning, now, reason)])
        case .suspend(let beforeStep, let exception):
            try transition(db, job: id, to: .suspended, at: now) { record in
                record.checkpointStep = beforeStep - 1
                record.exception = exception
                record.suspendRequestedAt = nil
                record.ownerPid = nil
                record.ownerHost = nil
            }
        case .stopped(let exception), .failed(let exception):
            // It ends when it is marked ended, as its status history says: a long step writes
            // nothing, so its last record may be long before it stopped running.
            try transition(db, job: id, to: decision.status, at: now) { record in
                record.endedAt = now
                record.exception = exception
            }
        }
        try releaseLease(db, job: id)
        return decision.status
    }

    /// The job is no node's any more (it ended, or waits Suspended for a resume).
    static func releaseLease(_ db: Database, job id: String) throws {
        try db.execute(sql: "UPDATE job SET leaseNode = NULL, leaseExpiresAt = NULL WHERE id = ?", arguments: [id])
    }

    /// What the job committed before its process died, as a clause of its exception: a scan
    /// commits each machine's changes before the job's final status, so a Failed job may own
    /// changes, and says so.
    static func committedWork(_ db: Database, job id: String) throws -> String {
        var parts: [String] = []
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT computer, COUNT(*) AS changes FROM configurationChange WHERE jobId = ?
                GROUP BY computer ORDER BY computer
                """, arguments: [id])
        {
            let stored = StoredRow(row)
            let machine = (try? stored.text("computer")).map(StoredRow.clip) ?? "?"
            let count = (try? stored.integer("changes")) ?? 0
            parts.append("the scan of machine '\(machine)' committed \(count) change(s)")
        }
        let enabled =
            try Int.fetchOne(
                db, sql: "SELECT COUNT(DISTINCT machineId) FROM machineSolution WHERE jobId = ?", arguments: [id])
            ?? 0
        if enabled > 0 { parts.append("solutions were enabled on \(enabled) machine(s)") }
        let settings =
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM trackingSettings WHERE jobId = ?", arguments: [id]) ?? 0
        if settings > 0 { parts.append("tracking settings were saved (\(settings) version(s))") }
        guard !parts.isEmpty else { return "" }
        return "; before that it had committed: " + parts.joined(separator: ", ")
    }

    /// Deletes jobs (with their streams and status history) created before `cutoff`, in batches
    /// so that running jobs are never blocked for long. Returns how many were deleted.
    public func purgeJobs(before cutoff: Date, batch: Int = 500) throws -> Int {
        var total = 0
        while true {
            let deleted = try writer.write { db in try Self.purgeBatch(db, before: cutoff, batch: batch) }
            total += deleted
            if deleted < batch { return total }
        }
    }

    /// One batch of the purge, in the caller's transaction; how many jobs it deleted.
    static func purgeBatch(_ db: Database, before cutoff: Date, batch: Int) throws -> Int {
        try db.execute(
            sql: """
                DELETE FROM job WHERE id IN (
                    SELECT id FROM job WHERE createdAt < ? AND status IN \(JobStatus.finalSQL)
                    LIMIT ?)
                """, arguments: [cutoff, batch])
        return db.changesCount
    }
}
