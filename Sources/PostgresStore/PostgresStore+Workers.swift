import Automation
import Foundation
import PostgresNIO

/// Hybrid Runbook Worker groups. A worker holds its jobs' leases as a node whose id is
/// `worker:MACHINE` (`HybridWorkerInfo.nodeId`); it claims with `FOR UPDATE SKIP LOCKED`, as
/// nodes do, so workers claiming at once never take the same job.
extension PostgresStore: HybridWorkerStoring {
    public func workerSeen(machine: String, groups: [String], concurrency: Int, at now: Date) async throws {
        let logger = logger
        let kept = Array(Set(groups)).sorted()
        try await transaction { connection in
            guard
                let machineId = try await connection.rows(
                    "SELECT id FROM machine WHERE name = \(machine)", logger: logger
                ).first?.decode(Int64.self)
            else { throw StoreError.notFound(kind: "machine", name: machine, hint: "") }
            try await connection.query(
                "DELETE FROM hybrid_worker WHERE machine_id = \(machineId) AND NOT (group_name = ANY(\(kept)))",
                logger: logger)
            try await connection.query(
                """
                INSERT INTO hybrid_worker (group_name, machine_id, registered_at, last_seen_at, concurrency)
                SELECT g, \(machineId), \(now), \(now), \(concurrency) FROM unnest(\(kept)::text[]) AS g
                ON CONFLICT (group_name, machine_id) DO UPDATE SET last_seen_at = excluded.last_seen_at,
                    concurrency = excluded.concurrency
                """, logger: logger)
        }
    }

    public func hybridWorkers() async throws -> [HybridWorkerInfo] {
        var query: PostgresQuery = """
            SELECT w.group_name, m.name, w.registered_at, w.last_seen_at, w.concurrency,
                COALESCE(array_agg(job.id::text ORDER BY job.id) FILTER (WHERE job.id IS NOT NULL), '{}') AS jobs
            FROM hybrid_worker w JOIN machine m ON m.id = w.machine_id
            LEFT JOIN job ON job.lease_node = \(HybridWorkerInfo.nodePrefix) || m.name AND job.run_on = w.group_name
            """
        query.sql +=
            " AND job.status NOT IN \(JobStatus.finalSQL) GROUP BY w.group_name, m.name, w.registered_at,"
            + " w.last_seen_at, w.concurrency ORDER BY w.group_name, m.name"
        return readable(try await rows(query), table: "hybrid_worker", key: "group_name") { row in
            HybridWorkerInfo(
                group: try row.text("group_name"), machine: try row.text("name"),
                registeredAt: try row.date("registered_at"), lastSeenAt: try row.date("last_seen_at"),
                concurrency: try row.integer("concurrency"),
                jobs: try row.decode([String].self, "jobs", "a list of job ids"))
        }
    }

    public func removeHybridWorker(group: String, machine: String) async throws -> Bool {
        try await !rows(
            """
            DELETE FROM hybrid_worker WHERE group_name = \(group)
                AND machine_id = (SELECT id FROM machine WHERE name = \(machine)) RETURNING 1
            """
        ).isEmpty
    }

    public func removeHybridWorkerGroup(_ group: String) async throws -> Bool {
        try await !rows("DELETE FROM hybrid_worker WHERE group_name = \(group) RETURNING 1").isEmpty
    }

    public func claimGroupJobs(node id: String, groups: [String], limit: Int, lease: Duration) async throws -> [Job] {
        guard !groups.isEmpty else { return [] }
        let logger = logger
        return try await transaction { connection in
            guard
                let node = try await connection.rows(
                    "SELECT pid, host, stopped_at IS NOT NULL FROM node WHERE id = \(id)", logger: logger
                ).first
            else { throw StoreError.notFound(kind: "node", name: id, hint: "") }
            // A worker that stopped cleanly claims nothing, even from a poll still waiting.
            guard try !node.decode((Int, String, Bool).self).2 else { return [] }
            let (pid, host, _) = try node.decode((Int, String, Bool).self)
            var query: PostgresQuery = """
                UPDATE job SET lease_node = \(id), lease_expires_at = now() + make_interval(secs => \(lease.inSeconds)),
                    owner_pid = \(pid), owner_host = \(host)
                WHERE id IN (
                    SELECT id FROM job
                    WHERE lease_node IS NULL AND run_on = ANY(\(groups))
                        AND (status = 'New' OR (status = 'Resuming' AND owner_pid IS NULL))
                    ORDER BY created_at, id LIMIT \(max(1, limit)) FOR UPDATE SKIP LOCKED)
                """
            query.sql += " RETURNING \(Self.jobListColumns), runbook_content"
            let claimed = self.readable(try await connection.rows(query, logger: logger), table: "job", key: "id") {
                try Self.job($0, content: true)
            }
            return claimed.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        }
    }

    public func suspendJobsWithoutWorkers(waitedLongerThan window: Duration) async throws -> [RecoveredJob] {
        let logger = logger
        return try await transaction { connection in
            let now = try await connection.rows("SELECT now()", logger: logger).first?.decode(Date.self) ?? Date()
            let seconds = window.inSeconds
            var query: PostgresQuery = """
                SELECT job.id, job.run_on,
                    (SELECT max(w.last_seen_at) FROM hybrid_worker w WHERE w.group_name = job.run_on) AS seen
                FROM job
                WHERE job.run_on IS NOT NULL AND job.lease_node IS NULL
                    AND (job.status = 'New' OR (job.status = 'Resuming' AND job.owner_pid IS NULL))
                    AND (SELECT max(s.at) FROM job_status s WHERE s.job_id = job.id)
                        < now() - make_interval(secs => \(seconds))
                    AND NOT EXISTS (
                        SELECT 1 FROM hybrid_worker w WHERE w.group_name = job.run_on
                            AND w.last_seen_at >= now() - make_interval(secs => \(seconds)))
                """
            query.sql += " ORDER BY job.created_at, job.id LIMIT 1000 FOR UPDATE OF job SKIP LOCKED"
            var suspended: [RecoveredJob] = []
            for row in try await connection.rows(query, logger: logger) {
                guard let (id, group, seen) = try? row.decode((String, String, Date?).self) else { continue }
                if let seen, now.timeIntervalSince(seen) <= seconds { continue }
                try await Self.transition(
                    id, to: .suspended, at: now,
                    exception: .set(WorkerAbsence.reason(group: group, window: window, lastSeen: seen)), connection,
                    logger)
                suspended.append(RecoveredJob(id: id, status: .suspended))
            }
            return suspended
        }
    }

    public func workerRecorder(node: String) -> any JobRecording { recorder(node: node) }

    public func workerHolds(node: String, job id: String) async throws -> Bool {
        var query: PostgresQuery = "SELECT 1 FROM job WHERE id = \(id) AND lease_node = \(node)"
        query.sql += " AND status NOT IN \(JobStatus.finalSQL)"
        return try await !rows(query).isEmpty
    }
}
