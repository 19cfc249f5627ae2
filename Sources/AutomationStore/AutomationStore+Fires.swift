import Automation
import Foundation
import GRDB

extension AutomationStore {
    public func fires(schedule name: String, status: FireStatus? = nil, limit: Int = 50) throws -> [FireRecord] {
        try writer.read { db in try fires(db, schedule: name, status: status, limit: limit) }
    }

    func fires(_ db: Database, schedule name: String, status: FireStatus?, limit: Int) throws -> [FireRecord] {
        var sql = "SELECT * FROM scheduleFire WHERE scheduleName = ?"
        var arguments: [any DatabaseValueConvertible] = [name]
        if let status {
            sql += " AND status = ?"
            arguments.append(status.rawValue)
        }
        sql += " ORDER BY fireTime DESC LIMIT \(max(0, limit))"
        return readable(
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)), table: "scheduleFire",
            key: "scheduleName", Self.fire)
    }

    /// The fire that started a job, if a schedule started it.
    public func fire(startingJob id: String) throws -> FireRecord? {
        try writer.read { db in try fire(db, startingJob: id) }
    }

    func fire(_ db: Database, startingJob id: String) throws -> FireRecord? {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM scheduleFire WHERE jobId = ? LIMIT 1", arguments: [id])
        return readable(rows, table: "scheduleFire", key: "scheduleName", Self.fire).first
    }

    static func fire(_ row: Row) throws -> FireRecord {
        let row = StoredRow(row)
        return FireRecord(
            scheduleName: try row.text("scheduleName"), fireTime: try row.date("fireTime"),
            status: try row.enumeration(FireStatus.self, "status"), jobId: try row.optionalText("jobId"),
            reason: try row.optionalText("reason"))
    }
}
