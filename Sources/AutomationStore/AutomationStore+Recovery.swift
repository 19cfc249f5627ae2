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

extension AutomationStore {
    /// Jobs left unfinished by a process that has died (on this host) are ended as Failed, with
    /// an exception saying what happened; each in its own transaction. Returns their ids.
    @discardableResult
    public func recoverOrphanedJobs(at now: Date, host: String = JobOwner.current.host) throws -> [String] {
        let candidates = try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, ownerPid FROM job WHERE status NOT IN ('Completed', 'Failed', 'Stopped')
                    AND ownerHost = ? AND ownerPid IS NOT NULL
                    """, arguments: [host])
        }
        var recovered: [String] = []
        for row in candidates {
            let id: String = row["id"]
            let pid: Int = row["ownerPid"]
            let owner = JobOwner(pid: pid, host: host)
            // A live process with that pid is either the owner or a reused pid; leave it, never guess.
            guard !owner.isAlive else { continue }
            try transition(
                job: id, to: .failed, at: now,
                exception: "the process that ran this job (pid \(pid) on \(host)) ended before the job did; "
                    + "marked Failed by recovery")
            recovered.append(id)
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
