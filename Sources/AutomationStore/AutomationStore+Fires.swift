import Automation
import Foundation
import GRDB

/// What happened to one fire of a schedule.
public enum FireStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case started, missed, skipped, queued, failed
}

public struct FireRecord: Sendable, Hashable {
    public var scheduleName: String
    public var fireTime: Date
    public var status: FireStatus
    public var jobId: String?
    public var reason: String?
}

extension AutomationStore {
    /// When a schedule was created: fires before it were never due.
    public func scheduleCreatedAt(_ name: String) throws -> Date? {
        try writer.read { db in
            try Date.fetchOne(db, sql: "SELECT createdAt FROM schedule WHERE name = ?", arguments: [name])
        }
    }

    public func checkpoint(schedule name: String) throws -> Date? {
        try writer.read { db in
            try Date.fetchOne(
                db, sql: "SELECT checkpoint FROM schedulerCheckpoint WHERE scheduleName = ?", arguments: [name])
        }
    }

    /// Records fires and moves the schedule's checkpoint, in one transaction. A fire with
    /// status `started` is claimed only if no scheduler claimed it before: the returned set holds
    /// the fire times this call claimed.
    public func recordFires(
        schedule name: String, _ fires: [(Date, FireStatus, String?)], checkpoint: Date, at now: Date
    ) throws -> Set<Date> {
        try writer.write { db in
            var claimed: Set<Date> = []
            for (time, status, reason) in fires {
                try db.execute(
                    sql: """
                        INSERT INTO scheduleFire (scheduleName, fireTime, status, reason, recordedAt)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT(scheduleName, fireTime) DO NOTHING
                        """, arguments: [name, time, status.rawValue, reason, now])
                if db.changesCount > 0 && (status == .started || status == .queued) { claimed.insert(time) }
            }
            try db.execute(
                sql: """
                    INSERT INTO schedulerCheckpoint (scheduleName, checkpoint) VALUES (?, ?)
                    ON CONFLICT(scheduleName) DO UPDATE SET checkpoint = MAX(checkpoint, excluded.checkpoint)
                    """, arguments: [name, checkpoint])
            return claimed
        }
    }

    /// Changes a claimed fire's outcome (the job it started, or why it failed).
    public func updateFire(
        schedule name: String, fireTime: Date, status: FireStatus, jobId: String?, reason: String?
    ) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE scheduleFire SET status = ?, jobId = COALESCE(?, jobId), reason = COALESCE(?, reason) "
                    + "WHERE scheduleName = ? AND fireTime = ?",
                arguments: [status.rawValue, jobId, reason, name, fireTime])
        }
    }

    public func fires(schedule name: String, status: FireStatus? = nil, limit: Int = 50) throws -> [FireRecord] {
        try writer.read { db in
            var sql = "SELECT * FROM scheduleFire WHERE scheduleName = ?"
            var arguments: [any DatabaseValueConvertible] = [name]
            if let status {
                sql += " AND status = ?"
                arguments.append(status.rawValue)
            }
            sql += " ORDER BY fireTime DESC LIMIT \(limit)"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                FireRecord(
                    scheduleName: row["scheduleName"], fireTime: row["fireTime"],
                    status: FireStatus(rawValue: row["status"]) ?? .failed, jobId: row["jobId"], reason: row["reason"])
            }
        }
    }

    /// The fire that started a job, if a schedule started it.
    public func fire(startingJob id: String) throws -> FireRecord? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM scheduleFire WHERE jobId = ?", arguments: [id]).map { row in
                FireRecord(
                    scheduleName: row["scheduleName"], fireTime: row["fireTime"],
                    status: FireStatus(rawValue: row["status"]) ?? .failed, jobId: row["jobId"], reason: row["reason"])
            }
        }
    }

    /// Whether a job this schedule started has not reached a final status.
    public func hasActiveJob(schedule name: String) throws -> Bool {
        try writer.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM job WHERE startReason = 'schedule' AND startedBy = ?
                    AND status NOT IN ('Completed', 'Failed', 'Stopped')
                    """, arguments: [name]) ?? 0 > 0
        }
    }
}
