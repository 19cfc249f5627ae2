import Automation
import Foundation
import PostgresNIO

/// The scheduler pass on PostgreSQL. A fire is claimed by the primary key of `schedule_fire`:
/// `INSERT ... ON CONFLICT DO NOTHING RETURNING` inserts for one pass only, however many nodes
/// commit the same fire at once (the others wait for its transaction, then insert nothing), and a
/// queued fire is claimed by the conditional `UPDATE ... WHERE status = 'queued'`. Jobs are
/// created only for fires this pass claimed, in the same transaction.
extension PostgresStore: SchedulerPassStoring {
    /// A pass over thousands of schedules is one long read and one long transaction: it gets a
    /// minute, not a node's short call deadline (a late pass claims nothing twice; fires are keyed).
    static let passTimeout: Duration = .seconds(60)

    public func passState() async throws -> [ScheduleState] {
        var checkpoints: [String: Date] = [:]
        for row in try await rows(
            "SELECT schedule_name, checkpoint FROM scheduler_checkpoint", timeout: Self.passTimeout)
        {
            let (name, checkpoint) = try row.decode((String, Date).self)
            checkpoints[name] = checkpoint
        }
        var queued: [String: Date] = [:]
        for row in try await rows(
            "SELECT schedule_name, MAX(fire_time) FROM schedule_fire WHERE status = 'queued' GROUP BY schedule_name",
            timeout: Self.passTimeout)
        {
            let (name, fire) = try row.decode((String, Date).self)
            queued[name] = fire
        }
        var activeQuery: PostgresQuery = "SELECT DISTINCT started_by FROM job WHERE start_reason = 'schedule'"
        activeQuery.sql += " AND status IN \(JobStatus.unfinishedSQL) AND status != 'Suspended'"
        let active = Set(
            try await rows(activeQuery, timeout: Self.passTimeout).compactMap { try $0.decode(String?.self) })
        let schedules = try await rows(
            "SELECT name, definition::text AS definition, created_at FROM schedule WHERE enabled ORDER BY name",
            timeout: Self.passTimeout)
        return readable(schedules, table: "schedule", key: "name") { row in
            let schedule = try Self.schedule(row)
            let created = try row.date("created_at")
            return ScheduleState(
                schedule: schedule, dueAfter: checkpoints[schedule.name] ?? created.addingTimeInterval(-1),
                queuedFire: queued[schedule.name], hasActiveJob: active.contains(schedule.name))
        }
    }

    public func commitPass(_ plans: [FirePlan], at now: Date) async throws -> [String: [Job]] {
        let logger = logger
        // Passes of different nodes take the same keys in the same order (schedules by name, fires
        // by time), so they queue rather than deadlock; a deadlock PostgreSQL still reports is
        // retried, as the whole transaction was rolled back.
        for attempt in 1... {
            do {
                return try await transaction(timeout: Self.passTimeout) { connection in
                    var created: [String: [Job]] = [:]
                    for plan in plans {
                        if let jobs = try await Self.commit(plan, at: now, connection, logger) {
                            created[plan.schedule] = jobs
                        }
                    }
                    return created
                }
            } catch let error as StoreError where attempt < 5 && error.isRetryable {
                continue
            }
        }
        return [:]
    }

    /// One schedule's part of a pass; the jobs created when this pass claimed its fire.
    private static func commit(_ plan: FirePlan, at now: Date, _ connection: PostgresConnection, _ logger: Logger)
        async throws -> [Job]?
    {
        var claimed = false
        for entry in plan.records {
            let inserted = try await connection.rows(
                """
                INSERT INTO schedule_fire (schedule_name, fire_time, status, reason, recorded_at)
                VALUES (\(plan.schedule), \(entry.time), \(entry.status.rawValue), \(entry.reason), \(now))
                ON CONFLICT (schedule_name, fire_time) DO NOTHING RETURNING 1
                """, logger: logger)
            if let start = plan.start, entry.time == start.fire, !start.wasQueued { claimed = !inserted.isEmpty }
        }
        if let start = plan.start, start.wasQueued {
            claimed = try await !connection.rows(
                """
                UPDATE schedule_fire SET status = 'started',
                    reason = 'started after the previous job ended (overlap policy queue)'
                WHERE schedule_name = \(plan.schedule) AND fire_time = \(start.fire) AND status = 'queued'
                RETURNING 1
                """, logger: logger
            ).isEmpty
        }
        var created: [Job]?
        if let start = plan.start, claimed {
            for job in start.jobs { try await insert(job, owner: .current, connection, logger) }
            let failed = start.jobs.isEmpty && !start.failures.isEmpty
            let status = failed ? FireStatus.failed : .started
            let reason = start.failures.isEmpty ? nil : start.failures.joined(separator: "; ")
            try await connection.query(
                """
                UPDATE schedule_fire SET status = \(status.rawValue), job_id = \(start.jobs.first?.id),
                    reason = COALESCE(\(reason), reason)
                WHERE schedule_name = \(plan.schedule) AND fire_time = \(start.fire)
                """, logger: logger)
            created = start.jobs
        }
        if let checkpoint = plan.checkpoint {
            try await connection.query(
                """
                INSERT INTO scheduler_checkpoint (schedule_name, checkpoint) VALUES (\(plan.schedule), \(checkpoint))
                ON CONFLICT (schedule_name) DO UPDATE
                    SET checkpoint = GREATEST(scheduler_checkpoint.checkpoint, excluded.checkpoint)
                """, logger: logger)
        }
        return created
    }
}
