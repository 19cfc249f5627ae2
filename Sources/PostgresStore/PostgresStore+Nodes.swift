import Automation
import Foundation
import PostgresNIO

/// Nodes, heartbeats and job leases. Claiming and recovering take rows with
/// `FOR UPDATE SKIP LOCKED`: a row another node is taking is passed over, not waited for, so
/// nodes never take the same job and adding nodes adds throughput.
extension PostgresStore: NodeStoring {

    /// One statement: the row is taken over only when its process is this one or has been
    /// silent for a lease (the conflict's WHERE), so two processes starting under one id
    /// cannot both win.
    public func registerNode(id: String, host: String, pid: Int, lease: Duration) async throws {
        let taken = try await rows(
            """
            INSERT INTO node (id, host, pid, started_at, heartbeat_at, lease_seconds)
            VALUES (\(id), \(host), \(pid), now(), now(), \(lease.inSeconds))
            ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, started_at = excluded.started_at,
                heartbeat_at = excluded.heartbeat_at, lease_seconds = excluded.lease_seconds, stopped_at = NULL
            WHERE (node.host = excluded.host AND node.pid = excluded.pid) OR node.stopped_at IS NOT NULL
                OR node.heartbeat_at < now() - make_interval(secs => \(lease.inSeconds))
            RETURNING 1
            """)
        if !taken.isEmpty {
            try await pruneStoppedNodes()
            return
        }
        let holder = try await rows("SELECT host, pid FROM node WHERE id = \(id)").first
        let (otherHost, otherPid) = try holder?.decode((String, Int).self) ?? ("?", 0)
        throw StoreError.nodeInUse(id: id, host: otherHost, pid: otherPid)
    }

    public func heartbeat(node id: String, lease: Duration) async throws -> [String] {
        let logger = logger
        return try await transaction { connection in
            let known = try await connection.rows(
                "UPDATE node SET heartbeat_at = now() WHERE id = \(id) RETURNING 1", logger: logger)
            guard !known.isEmpty else { throw StoreError.notFound(kind: "node", name: id, hint: "") }
            var query: PostgresQuery = """
                UPDATE job SET lease_expires_at = now() + make_interval(secs => \(lease.inSeconds))
                WHERE lease_node = \(id) AND lease_expires_at >= now()
                """
            query.sql += " AND status NOT IN \(JobStatus.finalSQL) RETURNING id"
            return try await connection.rows(query, logger: logger).map { try $0.decode(String.self) }.sorted()
        }
    }

    public func claimNewJobs(node id: String, limit: Int, lease: Duration) async throws -> [Job] {
        let logger = logger
        return try await transaction { connection in
            guard
                let node = try await connection.rows("SELECT pid, host FROM node WHERE id = \(id)", logger: logger)
                    .first
            else { throw StoreError.notFound(kind: "node", name: id, hint: "") }
            let (pid, host) = try node.decode((Int, String).self)
            var query: PostgresQuery = """
                UPDATE job SET lease_node = \(id), lease_expires_at = now() + make_interval(secs => \(lease.inSeconds)),
                    owner_pid = \(pid),
                    owner_host = \(host)
                WHERE id IN (
                    SELECT id FROM job
                    WHERE lease_node IS NULL AND run_on IS NULL
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

    public func releaseJobs(node id: String, _ jobs: [String]) async throws {
        guard !jobs.isEmpty else { return }
        let logger = logger
        try await transaction { connection in
            try await connection.query(
                """
                UPDATE job SET lease_node = NULL, lease_expires_at = NULL, owner_pid = NULL, owner_host = NULL
                WHERE id = ANY(\(jobs)) AND lease_node = \(id) AND status IN ('New', 'Resuming')
                """, logger: logger)
            var query: PostgresQuery = """
                UPDATE job SET lease_expires_at = now() - interval '1 millisecond'
                WHERE id = ANY(\(jobs)) AND lease_node = \(id)
                """
            query.sql += " AND status NOT IN \(JobStatus.finalSQL)"
            try await connection.query(query, logger: logger)
        }
    }

    public func recoverExpiredLeases() async throws -> [RecoveredJob] {
        let logger = logger
        return try await transaction { connection in
            // The database's time: the status history of a recovery, and what has expired.
            let now = try await connection.rows("SELECT now()", logger: logger).first?.decode(Date.self) ?? Date()
            // A job a worker claimed and never started (its worker went silent first) waits
            // again for its group, as it did before the claim.
            try await connection.query(
                """
                UPDATE job SET lease_node = NULL, lease_expires_at = NULL, owner_pid = NULL, owner_host = NULL
                WHERE run_on IS NOT NULL AND lease_expires_at < now() AND status IN ('New', 'Resuming')
                """, logger: logger)
            var query: PostgresQuery = """
                SELECT job.id, job.status, job.checkpoint_step, job.restarts, job.restart_limit, job.lease_expires_at,
                    job.run_on, node.id AS node, node.host, node.pid, node.heartbeat_at, node.stopped_at
                FROM job JOIN node ON node.id = job.lease_node
                WHERE job.lease_expires_at < now()
                """
            query.sql += """
                 AND job.status NOT IN \(JobStatus.finalSQL) AND job.status != 'Suspended'
                ORDER BY job.lease_expires_at, job.id LIMIT 1000
                FOR UPDATE OF job SKIP LOCKED
                """
            var recovered: [RecoveredJob] = []
            for row in try await connection.rows(query, logger: logger) {
                let expired = try ExpiredLease(StoredColumns(row))
                let decision = JobLifecycle.recover(
                    job: expired.id, status: expired.status, checkpointStep: expired.checkpointStep,
                    diedBecause: expired.reason, committed: "", restarts: expired.restarts,
                    restartLimit: expired.restartLimit, runOn: expired.runOn)
                switch decision {
                case .restart(let fromStep, let reason):
                    // Back to New, unowned and unleased: the next claim runs it again from the
                    // interrupted step. Why it restarted goes to its Warning stream.
                    try await Self.transition(expired.id, to: .new, at: now, exception: .keep, connection, logger)
                    try await connection.query(
                        """
                        UPDATE job SET checkpoint_step = \(fromStep - 1), restarts = restarts + 1,
                            stop_requested_at = NULL, suspend_requested_at = NULL, owner_pid = NULL, owner_host = NULL,
                            lease_node = NULL, lease_expires_at = NULL, stream_seq = stream_seq + 1
                        WHERE id = \(expired.id)
                        """, logger: logger)
                    try await connection.query(
                        """
                        INSERT INTO job_stream (job_id, seq, stream, at, message)
                        SELECT id, stream_seq, 'Warning', \(now), \(Data(reason.utf8)) FROM job WHERE id = \(expired.id)
                        """, logger: logger)
                case .suspend(let beforeStep, let exception):
                    try await Self.transition(
                        expired.id, to: .suspended, at: now, exception: .set(exception), connection, logger)
                    try await connection.query(
                        """
                        UPDATE job SET checkpoint_step = \(beforeStep - 1), suspend_requested_at = NULL,
                            owner_pid = NULL, owner_host = NULL, lease_node = NULL, lease_expires_at = NULL
                        WHERE id = \(expired.id)
                        """, logger: logger)
                case .stopped(let exception), .failed(let exception):
                    try await Self.transition(
                        expired.id, to: decision.status, at: now, exception: .set(exception), connection, logger)
                    // It ends when it is marked ended, as its status history says: a long step writes
                    // nothing, so its last record (or its node's last heartbeat) may be long before
                    // it stopped running; the exception says when the node went silent.
                    try await connection.query(
                        """
                        UPDATE job SET ended_at = \(now), lease_node = NULL, lease_expires_at = NULL
                        WHERE id = \(expired.id)
                        """, logger: logger)
                }
                recovered.append(RecoveredJob(id: expired.id, status: decision.status))
            }
            return recovered
        }
    }

    public func stopNode(id: String) async throws {
        _ = try await rows("UPDATE node SET stopped_at = now() WHERE id = \(id)")
    }

    /// Stopped nodes past their retention that hold no unfinished job leave the list (ended jobs
    /// let go of the node first), in one transaction.
    func pruneStoppedNodes() async throws {
        let logger = logger
        let retention = NodeInfo.stoppedRetention
        try await transaction { connection in
            var release: PostgresQuery = """
                UPDATE job SET lease_node = NULL, lease_expires_at = NULL
                WHERE lease_node IN (
                    SELECT id FROM node WHERE stopped_at < now() - make_interval(secs => \(retention)))
                """
            release.sql += " AND status IN \(JobStatus.finalSQL)"
            try await connection.query(release, logger: logger)
            try await connection.query(
                """
                DELETE FROM node WHERE stopped_at < now() - make_interval(secs => \(retention))
                    AND NOT EXISTS (SELECT 1 FROM job WHERE job.lease_node = node.id)
                """, logger: logger)
        }
    }

    public func nodes() async throws -> [NodeInfo] {
        var query: PostgresQuery = """
            SELECT node.id, node.host, node.pid, node.started_at, node.heartbeat_at, node.lease_seconds,
                node.stopped_at,
                COALESCE(array_agg(job.id::text ORDER BY job.id) FILTER (WHERE job.id IS NOT NULL), '{}') AS jobs
            FROM node LEFT JOIN job ON job.lease_node = node.id
            """
        query.sql += " AND job.status NOT IN \(JobStatus.finalSQL) GROUP BY node.id ORDER BY node.id"
        return readable(try await rows(query), table: "node", key: "id") { row in
            NodeInfo(
                id: try row.text("id"), host: try row.text("host"), pid: try row.integer("pid"),
                startedAt: try row.date("started_at"), heartbeatAt: try row.date("heartbeat_at"),
                jobs: try row.decode([String].self, "jobs", "a list of job ids"),
                leaseSeconds: try row.decode(Double.self, "lease_seconds", "a number"),
                stoppedAt: try row.optionalDate("stopped_at"))
        }
    }
}

/// A job whose node stopped heartbeating, as recovery reads it (the row locked).
private struct ExpiredLease {
    var id: String
    var status: JobStatus
    var checkpointStep: Int?
    var restarts: Int
    var restartLimit: Int
    var runOn: String?
    var reason: String

    init(_ row: StoredColumns) throws {
        id = try row.text("id")
        status = try row.enumeration(JobStatus.self, "status")
        checkpointStep = try row.optionalInteger("checkpoint_step")
        restarts = try row.integer("restarts")
        restartLimit = try row.integer("restart_limit")
        runOn = try row.optionalText("run_on")
        reason = LeaseExpiry.reason(
            node: try row.text("node"), pid: try row.integer("pid"), host: try row.text("host"),
            heartbeat: try row.date("heartbeat_at"), expired: try row.date("lease_expires_at"), status: status,
            stopped: try row.optionalDate("stopped_at"))
    }
}
