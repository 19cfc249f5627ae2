import Automation
import Foundation
import PostgresNIO

extension PostgresStore {
    /// Every job column but the content, which lists never show (it is the row's bulk).
    static let jobListColumns = """
        id, runbook_name, runbook_digest, parameters::text AS parameters, start_reason, started_by, account_name,
        targets::text AS targets, status, created_at, started_at, ended_at, exception, log_verbose, log_progress,
        checkpoint_step, runbook_source, owner_pid, owner_host, restarts, restart_limit, wait_remaining, run_on
        """

    /// Inserts a job with its first status row (sequence 1), owned by this process; one
    /// transaction. A taken id is the primary key's refusal.
    public func createJob(_ job: Job) async throws {
        let logger = logger
        do {
            try await transaction { connection in try await Self.insert(job, owner: .current, connection, logger) }
        } catch StoreError.refused(StoreError.uniqueViolation, "job_pkey", _) {
            throw StoreError.alreadyExists(kind: "job", name: job.id)
        }
    }

    /// Inserts a job and its first status row in the caller's transaction.
    static func insert(_ job: Job, owner: ProcessOwner, _ connection: PostgresConnection, _ logger: Logger)
        async throws
    {
        // A job for a worker group belongs to no process until a worker of the group claims it.
        let ownerPid = job.runOn == nil ? owner.pid : nil
        let ownerHost = job.runOn == nil ? owner.host : nil
        let parameters = try JSONText.encode(job.parameters)
        let targets = try JSONText.encode(job.targets)
        try await connection.query(
            """
            INSERT INTO job (id, runbook_name, runbook_digest, runbook_content, parameters, start_reason,
                started_by, account_name, targets, status, created_at, started_at, ended_at, exception,
                log_verbose, log_progress, owner_pid, owner_host, checkpoint_step, runbook_source, restarts,
                restart_limit, run_on)
            VALUES (\(job.id), \(job.runbookName), \(job.runbookDigest), \(Data(job.runbookContent.utf8)),
                \(parameters)::jsonb, \(job.startReason.rawValue), \(job.startedBy), \(job.accountName),
                \(targets)::jsonb, \(job.status.rawValue), \(job.createdAt), \(job.startedAt), \(job.endedAt),
                \(job.exception.map { Data($0.utf8) }), \(job.logVerbose), \(job.logProgress), \(ownerPid),
                \(ownerHost), \(job.checkpointStep), \(job.runbookSource), \(job.restarts), \(job.restartLimit),
                \(job.runOn))
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO job_status (job_id, seq, status, at)
            VALUES (\(job.id), 1, \(job.status.rawValue), \(job.createdAt))
            """, logger: logger)
    }

    public func job(exactly id: String) async throws -> Job? {
        guard
            let row = try await rows(
                PostgresQuery(
                    unsafeSQL: "SELECT \(Self.jobListColumns), runbook_content FROM job WHERE id = $1",
                    binds: Self.binds(id))
            ).first
        else { return nil }
        return try readOne(row, table: "job", key: "id") { try Self.job($0, content: true) }
    }

    public func streams(job id: String, kind: StreamKind?) async throws -> [StreamRecord] {
        var query: PostgresQuery = "SELECT seq, stream, at, message FROM job_stream WHERE job_id = \(id)"
        if let kind {
            query.binds.append(kind.rawValue)
            query.sql += " AND stream = $2"
        }
        query.sql += " ORDER BY seq"
        return readable(try await rows(query), table: "job_stream", key: "seq") { row in
            StreamRecord(
                seq: try row.integer("seq"), stream: try row.enumeration(StreamKind.self, "stream"),
                at: try row.date("at"), message: try row.bytesText("message"))
        }
    }

    static func binds(_ values: String...) -> PostgresBindings {
        var binds = PostgresBindings(capacity: values.count)
        for value in values { binds.append(value) }
        return binds
    }

    /// A row as a job; the enum and JSON columns are checked here, with the column named.
    static func job(_ row: StoredColumns, content: Bool) throws -> Job {
        var job = Job(
            id: try row.text("id"), runbookName: try row.text("runbook_name"),
            runbookDigest: try row.text("runbook_digest"),
            runbookContent: content ? try row.bytesText("runbook_content") : "",
            parameters: try row.json([String: Value].self, "parameters", "a JSON object of parameter values"),
            startReason: try row.enumeration(StartReason.self, "start_reason"),
            startedBy: try row.optionalText("started_by"), accountName: try row.optionalText("account_name"),
            targets: try row.json([String].self, "targets", "a JSON list of machine names"),
            status: try row.enumeration(JobStatus.self, "status"), createdAt: try row.date("created_at"),
            startedAt: try row.optionalDate("started_at"), endedAt: try row.optionalDate("ended_at"),
            exception: try row.optionalBytesText("exception"), logVerbose: try row.bool("log_verbose"),
            logProgress: try row.bool("log_progress"), checkpointStep: try row.optionalInteger("checkpoint_step"),
            runbookSource: try row.optionalText("runbook_source"), restarts: try row.integer("restarts"),
            restartLimit: try row.integer("restart_limit"), waitRemaining: try row.optionalDouble("wait_remaining"),
            runOn: try row.optionalText("run_on"))
        // A worker claims under its machine's name as the owner's host.
        if job.runOn != nil { job.worker = try row.optionalText("owner_host") }
        return job
    }
}

/// The process that runs a job (until nodes hold leases, as on SQLite: pid and host).
struct ProcessOwner {
    var pid: Int
    var host: String

    static var current: ProcessOwner {
        ProcessOwner(pid: Int(ProcessInfo.processInfo.processIdentifier), host: ProcessInfo.processInfo.hostName)
    }
}
