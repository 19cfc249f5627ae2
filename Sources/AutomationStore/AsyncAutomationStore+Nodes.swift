import Automation
import Foundation
import GRDB

/// Nodes on the embedded store (docs/ARCHITECTURE.md, "Nodes"): `runbook scheduler` and `runbook serve` on a
/// folder register, heartbeat and hold a lease on each job they run, as on PostgreSQL. Each
/// operation is one write transaction (SQLite has one writer, so no two nodes take the same row);
/// the store's clock is this host's.
///
/// A process owns the jobs it creates and runs (`ownerPid`, `ownerHost`); a node's heartbeat
/// takes the lease of the unleased jobs its process owns, then renews every lease it holds. A
/// Running (or Stopping) job whose lease expired (its node hung, or was stopped with SIGSTOP) is
/// ended by any node's heartbeat; a job whose process died is recovered at once, when the store
/// is next opened on that host (`recoverOrphanedJobs`). Unlike on PostgreSQL, a stuck node's jobs
/// that had not started are left to it, and its running ones are Failed, never restarted: only an
/// ended job is fenced here.
extension AsyncAutomationStore: NodeStoring {
    static let unfinished = JobStatus.unfinishedSQL
    static let final = JobStatus.finalSQL

    public func registerNode(id: String, host: String, pid: Int, lease: Duration) async throws {
        try await write { db in
            let now = Date()
            if let row = try Row.fetchOne(
                db, sql: "SELECT host, pid, heartbeatAt, stoppedAt FROM node WHERE id = ?", arguments: [id]),
                let otherHost = row["host"] as String?, let otherPid = row["pid"] as Int?,
                let heartbeat = row["heartbeatAt"] as Date?, row["stoppedAt"] as Date? == nil,
                otherHost != host || otherPid != pid, heartbeat >= now.addingTimeInterval(-lease.inSeconds)
            {
                throw StoreError.nodeInUse(id: id, host: otherHost, pid: otherPid)
            }
            try db.execute(
                sql: """
                    INSERT INTO node (id, host, pid, startedAt, heartbeatAt, leaseSeconds) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid,
                        startedAt = excluded.startedAt, heartbeatAt = excluded.heartbeatAt,
                        leaseSeconds = excluded.leaseSeconds, stoppedAt = NULL
                    """, arguments: [id, host, pid, now, now, lease.inSeconds])
            try Self.pruneStoppedNodes(db, now: now)
        }
    }

    public func stopNode(id: String) async throws {
        try await write { db in
            try db.execute(sql: "UPDATE node SET stoppedAt = ? WHERE id = ?", arguments: [Date(), id])
        }
    }

    /// Stopped nodes past their retention that hold no unfinished job leave the list (ended jobs
    /// let go of their lease's node first: the row is history, not a reference).
    static func pruneStoppedNodes(_ db: Database, now: Date) throws {
        let cutoff = now.addingTimeInterval(-NodeInfo.stoppedRetention)
        try db.execute(
            sql: """
                UPDATE job SET leaseNode = NULL, leaseExpiresAt = NULL
                WHERE status IN \(Self.final) AND leaseNode IN (SELECT id FROM node WHERE stoppedAt < ?)
                """, arguments: [cutoff])
        try db.execute(
            sql: """
                DELETE FROM node WHERE stoppedAt < ? AND NOT EXISTS (SELECT 1 FROM job WHERE leaseNode = node.id)
                """, arguments: [cutoff])
    }

    public func heartbeat(node id: String, lease: Duration) async throws -> [String] {
        try await write { db in
            let (pid, host) = try Self.node(db, id)
            let now = Date()
            let until = now.addingTimeInterval(lease.inSeconds)
            try db.execute(sql: "UPDATE node SET heartbeatAt = ? WHERE id = ?", arguments: [now, id])
            // The jobs this node's process runs (it created them) become leased to it.
            try db.execute(
                sql: """
                    UPDATE job SET leaseNode = ?, leaseExpiresAt = ?
                    WHERE ownerPid = ? AND ownerHost = ? AND leaseNode IS NULL AND runOn IS NULL
                        AND status IN \(Self.unfinished) AND status != 'Suspended'
                    """, arguments: [id, until, pid, host])
            // Every job still leased to it is renewed, even past its expiry (a late heartbeat, after
            // the host slept): on one host, a job no other node recovered is still this process's.
            return try String.fetchAll(
                db,
                sql: """
                    UPDATE job SET leaseExpiresAt = ?
                    WHERE leaseNode = ? AND status NOT IN \(Self.final) AND status != 'Suspended' RETURNING id
                    """, arguments: [until, id]
            ).sorted()
        }
    }

    public func claimNewJobs(node id: String, limit: Int, lease: Duration) async throws -> [Job] {
        try await write { db in
            let (pid, host) = try Self.node(db, id)
            let until = Date().addingTimeInterval(lease.inSeconds)
            let ids = try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM job WHERE leaseNode IS NULL AND runOn IS NULL
                        AND (status = 'New' OR (status = 'Resuming' AND ownerPid IS NULL))
                    ORDER BY createdAt, id LIMIT ?
                    """, arguments: [max(1, limit)])
            return try ids.compactMap { job in
                try db.execute(
                    sql: "UPDATE job SET leaseNode = ?, leaseExpiresAt = ?, ownerPid = ?, ownerHost = ? WHERE id = ?",
                    arguments: [id, until, pid, host, job])
                return try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [job]).map(
                    AutomationStore.readJob)
            }
        }
    }

    public func releaseJobs(node id: String, _ jobs: [String]) async throws {
        guard !jobs.isEmpty else { return }
        try await write { db in
            let now = Date()
            for job in jobs {
                try db.execute(
                    sql: """
                        UPDATE job SET leaseNode = NULL, leaseExpiresAt = NULL, ownerPid = NULL, ownerHost = NULL
                        WHERE id = ? AND leaseNode = ? AND status IN ('New', 'Resuming')
                        """, arguments: [job, id])
                try db.execute(
                    sql: """
                        UPDATE job SET leaseExpiresAt = ? WHERE id = ? AND leaseNode = ? AND status NOT IN \(Self.final)
                        """, arguments: [now.addingTimeInterval(-0.001), job, id])
            }
        }
    }

    public func recoverExpiredLeases() async throws -> [RecoveredJob] {
        let store = self.store
        return try await write { db in
            let now = Date()
            try Self.releaseUnstartedWorkerJobs(db, now: now)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT job.id, job.status, job.leaseExpiresAt, node.id AS node, node.host, node.pid,
                        node.heartbeatAt, node.stoppedAt
                    FROM job JOIN node ON node.id = job.leaseNode
                    WHERE job.leaseExpiresAt < ? AND job.status IN \(Self.unfinished) AND job.status != 'Suspended'
                    ORDER BY job.leaseExpiresAt, job.id LIMIT 1000
                    """, arguments: [now])
            var recovered: [RecoveredJob] = []
            for row in rows {
                let stored = StoredRow(row)
                do {
                    let id = try stored.text("id")
                    let status = try stored.enumeration(JobStatus.self, "status")
                    let reason = LeaseExpiry.reason(
                        node: try stored.text("node"), pid: try stored.integer("pid"), host: try stored.text("host"),
                        heartbeat: try stored.date("heartbeatAt"), expired: try stored.date("leaseExpiresAt"),
                        status: status, stopped: try stored.optionalDate("stoppedAt"))
                    // Only what the stuck node was running is ended. A job it had not started (or
                    // was suspending) would be Suspended, and a resumed process could start it again
                    // (nothing fences a Suspended job): it waits until its process resumes or dies.
                    // A worker's writes are fenced by its lease, so its Suspending job is Suspended.
                    let fenced = try stored.text("node").hasPrefix(HybridWorkerInfo.nodePrefix)
                    guard [.running, .stopping].contains(status) || (fenced && status == .suspending) else {
                        continue
                    }
                    // A restart is safe only when the node's process is gone: nothing here fences a
                    // job that is not ended, so a stuck process that resumed could write over the
                    // run that restarted it. A live (stuck) one's job is Failed.
                    let owner = JobOwner(pid: try stored.integer("pid"), host: try stored.text("host"))
                    // A worker's writes are fenced by its lease (`WorkerJobRecorder`): its job
                    // may run again elsewhere, as on PostgreSQL.
                    let worker = try stored.text("node").hasPrefix(HybridWorkerInfo.nodePrefix)
                    let gone = worker || (owner.host == JobOwner.current.host && !owner.isAlive)
                    if let ending = try store.recoverExpired(
                        db, job: id, status: status, reason: reason, at: now, mayRestart: gone)
                    {
                        recovered.append(RecoveredJob(id: id, status: ending))
                    }
                } catch let problem as RowProblem {
                    store.reportUnreadable(
                        UnreadableRow(table: "job", key: (try? stored.text("id")) ?? "?", problem: "\(problem)"))
                }
            }
            return recovered
        }
    }

    public func nodes() async throws -> [NodeInfo] {
        try await read { [store] db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT node.id, node.host, node.pid, node.startedAt, node.heartbeatAt, node.leaseSeconds,
                        node.stoppedAt,
                        (SELECT group_concat(id, char(10)) FROM (SELECT id FROM job WHERE leaseNode = node.id
                            AND status NOT IN \(Self.final) ORDER BY id)) AS jobs
                    FROM node ORDER BY node.id
                    """)
            return store.readable(rows, table: "node", key: "id") { row in
                let stored = StoredRow(row)
                return NodeInfo(
                    id: try stored.text("id"), host: try stored.text("host"), pid: try stored.integer("pid"),
                    startedAt: try stored.date("startedAt"), heartbeatAt: try stored.date("heartbeatAt"),
                    jobs: (try stored.optionalText("jobs"))?.split(separator: "\n").map(String.init) ?? [],
                    leaseSeconds: Double.fromDatabaseValue(stored.value("leaseSeconds")) ?? 30,
                    stoppedAt: try stored.optionalDate("stoppedAt"))
            }
        }
    }

    /// The node's process, or `StoreError.notFound` for a node that never registered.
    static func node(_ db: Database, _ id: String) throws -> (pid: Int, host: String) {
        guard let row = try Row.fetchOne(db, sql: "SELECT pid, host FROM node WHERE id = ?", arguments: [id]) else {
            throw StoreError.notFound(kind: "node", name: id, hint: "")
        }
        let stored = StoredRow(row)
        return (try stored.integer("pid"), try stored.text("host"))
    }
}

extension AsyncAutomationStore {
    /// A job a worker claimed and never started (its worker went silent first) waits again for
    /// its group, as it did before the claim.
    static func releaseUnstartedWorkerJobs(_ db: Database, now: Date) throws {
        try db.execute(
            sql: """
                UPDATE job SET leaseNode = NULL, leaseExpiresAt = NULL, ownerPid = NULL, ownerHost = NULL
                WHERE runOn IS NOT NULL AND leaseExpiresAt < ? AND status IN ('New', 'Resuming')
                """, arguments: [now])
    }
}
