import Automation
import Foundation
import GRDB

/// Pages of jobs for the API (`JobQuery`: Azure's `$filter` and a keyset cursor).
extension AutomationStore {
    public func jobPage(_ query: JobQuery) async throws -> [Job] {
        var clauses: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        for condition in query.conditions {
            // Column names come from the enum, values are bound: nothing a client sends reaches SQL text.
            let column: String
            switch condition.field {
            case .lastModifiedAt: column = "COALESCE(endedAt, startedAt, createdAt)"
            default: column = condition.field.rawValue
            }
            clauses.append("\(column) \(condition.comparison.rawValue) ?")
            if let date = condition.date {
                arguments.append(date)
            } else {
                arguments.append(condition.value)
            }
        }
        if let (createdAt, id) = query.after {
            clauses.append("(createdAt < ? OR (createdAt = ? AND id > ?))")
            arguments += [createdAt, createdAt, id]
        }
        // Every column but the runbook content, which a list never shows (it is the row's bulk).
        var sql = """
            SELECT id, runbookName, runbookDigest, '' AS runbookContent, parameters, startReason, startedBy,
                accountName, targets, status, createdAt, startedAt, endedAt, exception, logVerbose, logProgress,
                ownerPid, ownerHost, stopRequestedAt, suspendRequestedAt, checkpointStep, runbookSource, restarts,
                restartLimit, waitRemaining, requestedBy, runOn
            FROM job
            """
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        sql += " ORDER BY createdAt DESC, id LIMIT ?"
        arguments.append(max(1, min(query.limit, 1000)))
        let statementArguments = StatementArguments(arguments)
        return try await asyncRead { [sql] db in
            let rows = try Row.fetchAll(db, sql: sql, arguments: statementArguments)
            return self.readable(rows, table: "job", key: "id") { try Self.job(JobRecord(row: $0)) }
        }
    }

    /// One job by its exact id (no prefixes: the API names jobs whole).
    public func job(exactly id: String) async throws -> Job? {
        try await asyncRead { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM job WHERE id = ?"), arguments: [id])
                .map(Self.readJob)
        }
    }
}
