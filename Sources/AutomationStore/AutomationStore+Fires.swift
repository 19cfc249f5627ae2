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
}
