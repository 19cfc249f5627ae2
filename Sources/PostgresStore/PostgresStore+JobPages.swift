import Automation
import Foundation
import PostgresNIO

/// Pages of jobs for the API (`JobQuery`: Azure's `$filter` and a keyset cursor, newest first).
extension PostgresStore {
    public func jobPage(_ query: JobQuery) async throws -> [Job] {
        var clauses: [String] = []
        var binds = PostgresBindings()
        func placeholder() -> String { "$\(binds.count)" }
        for condition in query.conditions {
            // Column names come from the enum, values are bound: nothing a client sends reaches SQL text.
            let column: String
            var isDate = true
            switch condition.field {
            case .runbookName: (column, isDate) = ("runbook_name", false)
            case .status: (column, isDate) = ("status", false)
            case .startedAt: column = "started_at"
            case .endedAt: column = "ended_at"
            case .createdAt: column = "created_at"
            case .lastModifiedAt: column = "COALESCE(ended_at, started_at, created_at)"
            }
            if let date = condition.date, isDate {
                binds.append(date)
                clauses.append("\(column) \(condition.comparison.rawValue) \(placeholder())")
            } else {
                // A value that is not a date, against a date column, compares as text (as SQLite does).
                binds.append(condition.value)
                let text = isDate ? "(\(column))::text" : column
                clauses.append("\(text) \(condition.comparison.rawValue) \(placeholder())")
            }
        }
        if let (createdAt, id) = query.after {
            binds.append(createdAt)
            let time = placeholder()
            binds.append(id)
            clauses.append("(created_at < \(time) OR (created_at = \(time) AND id > \(placeholder())))")
        }
        var sql = "SELECT \(Self.jobListColumns) FROM job"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        binds.append(max(1, min(query.limit, 1000)))
        sql += " ORDER BY created_at DESC, id LIMIT \(placeholder())"
        let rows = try await rows(PostgresQuery(unsafeSQL: sql, binds: binds))
        return readable(rows, table: "job", key: "id") { try Self.job($0, content: false) }
    }
}
