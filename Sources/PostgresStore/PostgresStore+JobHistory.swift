import Automation
import Foundation
import PostgresNIO

/// The job history as the command line reads it (`runbook jobs list|show|output`).
extension PostgresStore: JobHistoryReading {
    public func jobs(_ filter: JobFilter) async throws -> [Job] {
        var clauses: [String] = []
        var binds = PostgresBindings()
        func bind(_ value: some PostgresNonThrowingEncodable & Sendable, _ clause: (String) -> String) {
            binds.append(value)
            clauses.append(clause("$\(binds.count)"))
        }
        if let runbook = filter.runbook { bind(runbook) { "runbook_name = \($0)" } }
        if let status = filter.status { bind(status.rawValue) { "status = \($0)" } }
        if let reason = filter.reason { bind(reason.rawValue) { "start_reason = \($0)" } }
        if let schedule = filter.schedule { bind(schedule) { "start_reason = 'schedule' AND started_by = \($0)" } }
        if let since = filter.since { bind(since) { "created_at >= \($0)" } }
        if let until = filter.until { bind(until) { "created_at < \($0)" } }
        var sql = "SELECT \(Self.jobListColumns), runbook_content FROM job"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        binds.append(max(0, filter.limit))
        sql += " ORDER BY created_at DESC, id LIMIT $\(binds.count)"
        let rows = try await rows(PostgresQuery(unsafeSQL: sql, binds: binds))
        return readable(rows, table: "job", key: "id") { try Self.job($0, content: true) }
    }

    public func job(idOrPrefix: String) async throws -> Job? {
        if let job = try await job(exactly: idOrPrefix) { return job }
        guard idOrPrefix.count >= 4 else { return nil }
        let (lower, upper) = JobIDPrefix.range(idOrPrefix)
        let matches = try await rows("SELECT id FROM job WHERE id >= \(lower) AND id < \(upper) ORDER BY id LIMIT 2")
        guard matches.count < 2 else {
            let count = try await rows("SELECT COUNT(*) AS n FROM job WHERE id >= \(lower) AND id < \(upper)")
            throw StoreError.ambiguousJob(
                prefix: idOrPrefix, matches: try count.first.map { try StoredColumns($0).integer("n") } ?? 2)
        }
        guard let row = matches.first else { return nil }
        return try await job(exactly: try StoredColumns(row).text("id"))
    }

    public func statusHistory(job id: String) async throws -> [JobStatusChange] {
        let rows = try await rows("SELECT seq, status, at FROM job_status WHERE job_id = \(id) ORDER BY seq")
        return readable(rows, table: "job_status", key: "seq") { row in
            JobStatusChange(status: try row.enumeration(JobStatus.self, "status"), at: try row.date("at"))
        }
    }

    public func fire(startingJob id: String) async throws -> FireRecord? {
        let rows = try await rows(
            "SELECT schedule_name, fire_time, status, job_id, reason FROM schedule_fire WHERE job_id = \(id) LIMIT 1")
        return readable(rows, table: "schedule_fire", key: "schedule_name", Self.fire).first
    }

    public func fires(schedule name: String, limit: Int) async throws -> [FireRecord] {
        let rows = try await rows(
            """
            SELECT schedule_name, fire_time, status, job_id, reason FROM schedule_fire WHERE schedule_name = \(name)
            ORDER BY fire_time DESC LIMIT \(max(0, limit))
            """)
        return readable(rows, table: "schedule_fire", key: "fire_time", Self.fire)
    }

    static func fire(_ row: StoredColumns) throws -> FireRecord {
        FireRecord(
            scheduleName: try row.text("schedule_name"), fireTime: try row.date("fire_time"),
            status: try row.enumeration(FireStatus.self, "status"), jobId: try row.optionalText("job_id"),
            reason: try row.optionalText("reason"))
    }
}
