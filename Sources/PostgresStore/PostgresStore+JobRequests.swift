import Automation
import Foundation
import PostgresNIO

/// Stop, suspend and resume requests: the job's row is read with `SELECT ... FOR UPDATE`,
/// `JobLifecycle` decides, and the decision is applied in the same transaction. A concurrent
/// request on the same job waits for the row lock and then decides on the status this one left.
extension PostgresStore: JobStoring {
    public func requestStop(job id: String, at now: Date, by requester: JobRequester) async throws -> JobStopOutcome {
        let logger = logger
        return try await transaction { connection in
            guard let (status, owned) = try await Self.lockJob(id, connection, logger) else { return .notFound }
            switch JobLifecycle.stop(status, owned: owned, by: requester) {
            case .alreadyFinal(let status):
                return .alreadyFinal(status)
            case .stopNow(let exception):
                try await Self.transition(id, to: .stopped, at: now, exception: .set(exception), connection, logger)
                return .stoppedNow
            case .request(let enterStopping):
                try await connection.query(
                    "UPDATE job SET stop_requested_at = \(now), requested_by = \(requester.phrase) WHERE id = \(id)",
                    logger: logger)
                if enterStopping { try await Self.transition(id, to: .stopping, at: now, connection, logger) }
                return .requested
            }
        }
    }

    public func requestSuspend(job id: String, at now: Date, by requester: JobRequester) async throws
        -> JobSuspendOutcome
    {
        let logger = logger
        return try await transaction { connection in
            guard let (status, _) = try await Self.lockJob(id, connection, logger) else { return .notFound }
            switch JobLifecycle.suspend(status) {
            case .alreadyFinal(let status): return .alreadyFinal(status)
            case .already(let status): return .already(status)
            case .request:
                try await connection.query(
                    "UPDATE job SET suspend_requested_at = \(now), requested_by = \(requester.phrase) WHERE id = \(id)",
                    logger: logger)
                try await Self.transition(id, to: .suspending, at: now, connection, logger)
                return .requested
            }
        }
    }

    public func queueResume(job id: String, at now: Date) async throws -> JobResumeOutcome {
        let logger = logger
        return try await transaction { connection in
            guard let (status, _) = try await Self.lockJob(id, connection, logger) else { return .notFound }
            if case .notSuspended(let status) = JobLifecycle.resume(status) { return .notSuspended(status) }
            try await Self.transition(id, to: .resuming, at: now, exception: .clear, connection, logger)
            guard
                let row = try await connection.rows(
                    PostgresQuery(
                        unsafeSQL: "SELECT \(Self.jobListColumns), runbook_content FROM job WHERE id = $1",
                        binds: Self.binds(id)), logger: logger
                ).first
            else { return .notFound }
            return .queued(try self.readOne(row, table: "job", key: "id") { try Self.job($0, content: true) })
        }
    }

    /// The job's status and whether a process owns it, with the row locked until the
    /// transaction ends; nil when there is no such job.
    static func lockJob(_ id: String, _ connection: PostgresConnection, _ logger: Logger) async throws
        -> (JobStatus, Bool)?
    {
        guard
            let row = try await connection.rows(
                "SELECT status, owner_pid IS NOT NULL AS owned FROM job WHERE id = \(id) FOR UPDATE", logger: logger
            ).first
        else { return nil }
        let columns = StoredColumns(row)
        // An unknown status is treated as Failed, as the SQLite store does.
        let status = (try? columns.enumeration(JobStatus.self, "status")) ?? .failed
        return (status, try columns.bool("owned"))
    }

    enum ExceptionChange {
        case keep
        case set(String)
        case clear
    }

    /// The one place a status changes: the row (start and end times with it) and its status
    /// history entry, whose sequence number is the row's `status_seq` incremented by the same
    /// UPDATE, in one statement in the caller's transaction.
    static func transition(
        _ id: String, to status: JobStatus, at now: Date, exception: ExceptionChange = .keep,
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let setException: Data?
        let clearException: Bool
        switch exception {
        case .keep: (setException, clearException) = (nil, false)
        case .set(let text): (setException, clearException) = (Data(text.utf8), false)
        case .clear: (setException, clearException) = (nil, true)
        }
        // An ended job never changes again (as on SQLite): a paused process whose job was
        // recovered meanwhile cannot write over the recovery.
        var query: PostgresQuery = try """
        WITH changed AS (
            UPDATE job SET status = \(status.rawValue),
                started_at = CASE WHEN \(status == .running) AND started_at IS NULL THEN \(now) ELSE started_at END,
                ended_at = CASE WHEN \(status.isFinal) THEN \(now) ELSE ended_at END,
                exception = CASE WHEN \(clearException) THEN NULL ELSE COALESCE(\(setException), exception) END,
                status_seq = status_seq + 1
            WHERE id = \(id)
        """
        query.binds.append(now)
        query.sql += """
                 AND status NOT IN \(JobStatus.finalSQL)
                RETURNING id, status, status_seq
            )
            INSERT INTO job_status (job_id, seq, status, at)
            SELECT id, status_seq, status, $\(query.binds.count) FROM changed
            RETURNING seq
            """
        let rows = try await connection.rows(query, logger: logger)
        guard rows.isEmpty else { return }
        if let ended = try await connection.rows("SELECT status FROM job WHERE id = \(id)", logger: logger).first {
            throw StoreError.alreadyEnded(
                job: id, status: JobStatus(rawValue: try ended.decode(String.self)) ?? .failed)
        }
        throw StoreError.notFound(kind: "job", name: id, hint: "")
    }
}
