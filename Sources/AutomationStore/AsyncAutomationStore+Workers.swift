import Automation
import Foundation
import GRDB

/// Hybrid Runbook Worker groups on the embedded store. A worker holds its jobs' leases as a
/// node whose id is `worker:MACHINE` (`HybridWorkerInfo.nodeId`): renewal and recovery are the
/// nodes' own.
extension AsyncAutomationStore: HybridWorkerStoring {
    public func workerSeen(machine: String, groups: [String], concurrency: Int, at now: Date) async throws {
        try await write { db in
            guard
                let machineId = try Int64.fetchOne(
                    db, sql: "SELECT id FROM machine WHERE name = ?", arguments: [machine])
            else { throw StoreError.notFound(kind: "machine", name: machine, hint: "") }
            let kept = Array(Set(groups)).sorted()
            let placeholders = kept.map { _ in "?" }.joined(separator: ", ")
            try db.execute(
                sql: "DELETE FROM hybridWorker WHERE machineId = ?"
                    + (kept.isEmpty ? "" : " AND groupName NOT IN (\(placeholders))"),
                arguments: StatementArguments([machineId]) + StatementArguments(kept))
            for group in kept {
                try db.execute(
                    sql: """
                        INSERT INTO hybridWorker (groupName, machineId, registeredAt, lastSeenAt, concurrency)
                        VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT (groupName, machineId) DO UPDATE SET lastSeenAt = excluded.lastSeenAt,
                            concurrency = excluded.concurrency
                        """, arguments: [group, machineId, now, now, concurrency])
            }
        }
    }

    public func hybridWorkers() async throws -> [HybridWorkerInfo] {
        try await read { [store] db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT w.groupName, m.name, w.registeredAt, w.lastSeenAt, w.concurrency,
                        (SELECT group_concat(id, char(10)) FROM (SELECT id FROM job
                            WHERE leaseNode = '\(HybridWorkerInfo.nodePrefix)' || m.name AND runOn = w.groupName
                            AND status NOT IN \(Self.final) ORDER BY id)) AS jobs
                    FROM hybridWorker w JOIN machine m ON m.id = w.machineId
                    ORDER BY w.groupName, m.name
                    """)
            return store.readable(rows, table: "hybridWorker", key: "groupName") { row in
                let stored = StoredRow(row)
                return HybridWorkerInfo(
                    group: try stored.text("groupName"), machine: try stored.text("name"),
                    registeredAt: try stored.date("registeredAt"), lastSeenAt: try stored.date("lastSeenAt"),
                    concurrency: try stored.integer("concurrency"),
                    jobs: (try stored.optionalText("jobs"))?.split(separator: "\n").map(String.init) ?? [])
            }
        }
    }

    public func removeHybridWorker(group: String, machine: String) async throws -> Bool {
        try await write { db in
            try db.execute(
                sql: """
                    DELETE FROM hybridWorker
                    WHERE groupName = ? AND machineId = (SELECT id FROM machine WHERE name = ?)
                    """, arguments: [group, machine])
            return db.changesCount > 0
        }
    }

    public func removeHybridWorkerGroup(_ group: String) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM hybridWorker WHERE groupName = ?", arguments: [group])
            return db.changesCount > 0
        }
    }

    public func claimGroupJobs(node id: String, groups: [String], limit: Int, lease: Duration) async throws -> [Job] {
        guard !groups.isEmpty else { return [] }
        let placeholders = groups.map { _ in "?" }.joined(separator: ", ")
        let waiting = """
            SELECT id FROM job INDEXED BY jobWaitingForGroup
            WHERE runOn IS NOT NULL AND runOn IN (\(placeholders)) AND leaseNode IS NULL
                AND (status = 'New' OR (status = 'Resuming' AND ownerPid IS NULL))
            ORDER BY createdAt, id LIMIT ?
            """
        let arguments = StatementArguments(groups) + StatementArguments([max(1, limit)])
        // A waiting poll asks every 250 ms: a read (the group index) that finds nothing never
        // takes the one writer from the jobs that run.
        guard try await read({ db in try String.fetchOne(db, sql: waiting, arguments: arguments) }) != nil else {
            return []
        }
        return try await write { db in
            let (pid, host) = try Self.node(db, id)
            // A worker that stopped cleanly claims nothing, even from a poll still waiting.
            guard
                try Int.fetchOne(db, sql: "SELECT 1 FROM node WHERE id = ? AND stoppedAt IS NULL", arguments: [id])
                    != nil
            else { return [] }
            let until = Date().addingTimeInterval(lease.inSeconds)
            let ids = try String.fetchAll(db, sql: waiting, arguments: arguments)
            return try ids.compactMap { job in
                try db.execute(
                    sql: "UPDATE job SET leaseNode = ?, leaseExpiresAt = ?, ownerPid = ?, ownerHost = ? WHERE id = ?",
                    arguments: [id, until, pid, host, job])
                return try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [job]).map(
                    AutomationStore.readJob)
            }
        }
    }

    public func suspendJobsWithoutWorkers(waitedLongerThan window: Duration) async throws -> [RecoveredJob] {
        try await write { db in
            let now = Date()
            let cutoff = now.addingTimeInterval(-window.inSeconds)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT job.id, job.runOn,
                        (SELECT MAX(w.lastSeenAt) FROM hybridWorker w WHERE w.groupName = job.runOn) AS seen
                    FROM job INDEXED BY jobWaitingForGroup
                    WHERE job.runOn IS NOT NULL AND job.leaseNode IS NULL
                        AND (job.status = 'New' OR (job.status = 'Resuming' AND job.ownerPid IS NULL))
                        AND (SELECT MAX(at) FROM jobStatus s WHERE s.jobId = job.id) < ?1
                        AND NOT EXISTS (
                            SELECT 1 FROM hybridWorker w WHERE w.groupName = job.runOn AND w.lastSeenAt >= ?1)
                    ORDER BY job.createdAt, job.id LIMIT 1000
                    """, arguments: [cutoff])
            var suspended: [RecoveredJob] = []
            for row in rows {
                let stored = StoredRow(row)
                guard let id = try? stored.text("id"), let group = try? stored.text("runOn") else { continue }
                let seen = try? stored.optionalDate("seen")
                if let seen, seen >= cutoff { continue }
                try AutomationStore.transition(
                    db, job: id, to: .suspended, at: now,
                    exception: WorkerAbsence.reason(group: group, window: window, lastSeen: seen))
                suspended.append(RecoveredJob(id: id, status: .suspended))
            }
            return suspended
        }
    }

    public func workerRecorder(node: String) -> any JobRecording { WorkerJobRecorder(store: self, node: node) }

    public func workerHolds(node: String, job id: String) async throws -> Bool {
        try await read { db in
            try Int.fetchOne(
                db, sql: "SELECT 1 FROM job WHERE id = ? AND leaseNode = ? AND status NOT IN \(Self.final)",
                arguments: [id, node]) != nil
        }
    }
}

/// The embedded store as one worker sees it: every write checks, in its transaction, that the
/// worker's node holds the job's lease.
struct WorkerJobRecorder: JobRecording {
    let store: AsyncAutomationStore
    let node: String

    var leaseNode: String? { node }

    private static func fence(_ db: Database, job id: String, node: String) throws {
        guard let holder = try Row.fetchOne(db, sql: "SELECT leaseNode FROM job WHERE id = ?", arguments: [id]) else {
            throw StoreError.notFound(kind: "job", name: id, hint: "")
        }
        guard (holder["leaseNode"] as String?) == node else { throw StoreError.leaseLost(job: id, node: node) }
    }

    func stepBoundary(job id: String, entering: [JobStatus], step: Int, at now: Date) async throws -> JobStepRequests {
        try await store.write { [node] db in
            try Self.fence(db, job: id, node: node)
            return try AutomationStore.stepBoundary(db, job: id, entering: entering, step: step, at: now)
        }
    }

    func suspend(job id: String, atStep step: Int, at now: Date, reason: String, waitRemaining: Double?) async throws {
        try await store.write { [node] db in
            try Self.fence(db, job: id, node: node)
            try AutomationStore.suspend(
                db, job: id, atStep: step, at: now, reason: reason, waitRemaining: waitRemaining)
        }
    }

    func handOver(job id: String, beforeStep step: Int, to group: String?, at now: Date) async throws {
        try await store.write { [node] db in
            try Self.fence(db, job: id, node: node)
            try AutomationStore.handOver(db, job: id, beforeStep: step, to: group, at: now)
        }
    }

    func transition(job id: String, to status: JobStatus, at now: Date, exception: String?) async throws {
        try await store.write { [node] db in
            try Self.fence(db, job: id, node: node)
            try AutomationStore.transition(db, job: id, to: status, at: now, exception: exception)
        }
    }

    func appendStream(job id: String, _ entries: [(StreamKind, Date, String)]) async throws -> [StreamRecord] {
        try await store.write { [node] db in
            try Self.fence(db, job: id, node: node)
            return try AutomationStore.appendStream(db, job: id, entries)
        }
    }

    func pendingRequests(job id: String) async throws -> JobStepRequests {
        try await store.pendingRequests(job: id)
    }

    func streamUsage(job id: String) async throws -> [StreamKind: JobStreamUsage] {
        try await store.streamUsage(job: id)
    }

    /// A worker takes Resuming jobs with its claim; here it only confirms it holds one.
    func claimResume(job id: String) async throws -> Bool {
        try await store.read { [node] db in
            try Int.fetchOne(
                db, sql: "SELECT 1 FROM job WHERE id = ? AND status = 'Resuming' AND leaseNode = ?",
                arguments: [id, node]) != nil
        }
    }

    func addTargets(job id: String, _ names: [String]) async throws {
        try await store.write { [node] db in
            try Self.fence(db, job: id, node: node)
            try AutomationStore.addTargets(db, job: id, names)
        }
    }
}
