import Automation
import Foundation
import GRDB

/// Decoded schedule definitions, kept while their stored text is unchanged: a daemon with a
/// thousand schedules decodes each once, not once per pass.
final class ScheduleCache: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (definition: String, schedule: Schedule)] = [:]

    func schedule(name: String, definition: String) throws -> Schedule {
        if let entry = lock.withLock({ entries[name] }), entry.definition == definition { return entry.schedule }
        let schedule = try ScheduleDefinition.decode(definition)
        lock.withLock { entries[name] = (definition, schedule) }
        return schedule
    }
}

extension AutomationStore {
    /// Every enabled schedule with its checkpoint, queued fire and whether its last job still
    /// runs: a handful of indexed queries, whatever the number of schedules or jobs.
    public func passState() throws -> [ScheduleState] {
        try writer.read(passState)
    }

    func passState(_ db: Database) throws -> [ScheduleState] {
        let checkpoints = Dictionary(
            readable(
                try Row.fetchAll(db, sql: "SELECT scheduleName, checkpoint FROM schedulerCheckpoint"),
                table: "schedulerCheckpoint", key: "scheduleName"
            ) { row in
                (try StoredRow(row).text("scheduleName"), try StoredRow(row).date("checkpoint"))
            }, uniquingKeysWith: max)
        let queued = Dictionary(
            readable(
                try Row.fetchAll(
                    db,
                    sql: "SELECT scheduleName, MAX(fireTime) AS fireTime FROM scheduleFire WHERE status = 'queued' "
                        + "GROUP BY scheduleName"), table: "scheduleFire", key: "scheduleName"
            ) { row in (try StoredRow(row).text("scheduleName"), try StoredRow(row).date("fireTime")) },
            uniquingKeysWith: max)
        let active = Set(
            try String.fetchAll(
                db,
                sql: "SELECT DISTINCT startedBy FROM job WHERE status IN \(JobStatus.unfinishedSQL) "
                    + "AND status != 'Suspended' AND startReason = 'schedule'"))
        // A schedule whose row cannot be read is reported and skipped; the others still fire.
        let rows = try Row.fetchAll(
            db, sql: "SELECT name, definition, createdAt FROM schedule WHERE enabled ORDER BY name")
        return readable(rows, table: "schedule", key: "name") { row in
            let stored = StoredRow(row)
            let schedule = try scheduleCache.schedule(
                name: try stored.text("name"), definition: try stored.text("definition"))
            let created = try stored.date("createdAt")
            return ScheduleState(
                schedule: schedule, dueAfter: checkpoints[schedule.name] ?? created.addingTimeInterval(-1),
                queuedFire: queued[schedule.name], hasActiveJob: active.contains(schedule.name))
        }
    }

    /// Records a whole pass in one transaction: each schedule's fire records and checkpoint,
    /// and for each fire this pass claims (no scheduler recorded it before; or it moved out of
    /// queued here) its jobs in status New. Returns, for each schedule whose fire this pass
    /// claimed, the jobs created (none when every link failed).
    public func commitPass(_ plans: [FirePlan], at now: Date, owner: JobOwner = .current) throws -> [String: [Job]] {
        try writer.write { db in try Self.commitPass(db, plans, at: now, owner: owner) }
    }

    static func commitPass(_ db: Database, _ plans: [FirePlan], at now: Date, owner: JobOwner) throws -> [String: [Job]]
    {
        var created: [String: [Job]] = [:]
        for plan in plans {
            var claimed = false
            for entry in plan.records {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO scheduleFire (scheduleName, fireTime, status, reason, recordedAt)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT(scheduleName, fireTime) DO NOTHING
                        """
                ).execute(arguments: [plan.schedule, entry.time, entry.status.rawValue, entry.reason, now])
                if entry.time == plan.start?.fire && !(plan.start?.wasQueued ?? true) {
                    claimed = db.changesCount > 0
                }
            }
            if let start = plan.start, start.wasQueued {
                try db.execute(
                    sql: "UPDATE scheduleFire SET status = 'started', reason = ? "
                        + "WHERE scheduleName = ? AND fireTime = ? AND status = 'queued'",
                    arguments: [
                        "started after the previous job ended (overlap policy queue)", plan.schedule, start.fire,
                    ])
                claimed = db.changesCount == 1
            }
            if let start = plan.start, claimed {
                for job in start.jobs { try Self.insert(db, job, owner: owner) }
                let failed = start.jobs.isEmpty && !start.failures.isEmpty
                try db.cachedStatement(
                    sql: "UPDATE scheduleFire SET status = ?, jobId = ?, reason = COALESCE(?, reason) "
                        + "WHERE scheduleName = ? AND fireTime = ?"
                ).execute(
                    arguments: [
                        failed ? FireStatus.failed.rawValue : FireStatus.started.rawValue, start.jobs.first?.id,
                        start.failures.isEmpty ? nil : start.failures.joined(separator: "; "), plan.schedule,
                        start.fire,
                    ])
                created[plan.schedule] = start.jobs
            }
            if let checkpoint = plan.checkpoint {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO schedulerCheckpoint (scheduleName, checkpoint) VALUES (?, ?)
                        ON CONFLICT(scheduleName) DO UPDATE SET checkpoint = MAX(checkpoint, excluded.checkpoint)
                        """
                ).execute(arguments: [plan.schedule, checkpoint])
            }
        }
        return created
    }
}
