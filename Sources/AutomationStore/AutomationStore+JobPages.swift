import Automation
import Foundation
import GRDB

/// A page of jobs for the API: Azure's `$filter` conditions and a keyset cursor (newest first),
/// so page 2,000 of a million jobs costs what page 1 costs.
public struct JobQuery: Sendable, Hashable {
    public enum Comparison: String, Sendable, Hashable {
        case eq = "=", ne = "!=", ge = ">=", gt = ">", le = "<=", lt = "<"
    }
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case runbookName, status, startedAt, endedAt, createdAt, lastModifiedAt
    }

    public struct Condition: Sendable, Hashable {
        public var field: Field
        public var comparison: Comparison
        public var value: String
        public var date: Date?

        public init(field: Field, comparison: Comparison, value: String, date: Date? = nil) {
            self.field = field
            self.comparison = comparison
            self.value = value
            self.date = date
        }
    }

    public var conditions: [Condition]
    /// The last job of the previous page: (createdAt, id).
    public var after: (Date, String)?
    public var limit: Int

    public init(conditions: [Condition] = [], after: (Date, String)? = nil, limit: Int = 100) {
        self.conditions = conditions
        self.after = after
        self.limit = limit
    }

    public static func == (lhs: JobQuery, rhs: JobQuery) -> Bool {
        lhs.conditions == rhs.conditions && lhs.limit == rhs.limit && lhs.after?.0 == rhs.after?.0
            && lhs.after?.1 == rhs.after?.1
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(conditions)
        hasher.combine(limit)
    }
}

extension AutomationStore {
    public func jobPage(_ query: JobQuery) async throws -> [Job] {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
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
                ownerPid, ownerHost, stopRequestedAt, suspendRequestedAt, checkpointStep, runbookSource
            FROM job
            """
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        sql += " ORDER BY createdAt DESC, id LIMIT ?"
        arguments.append(max(1, min(query.limit, 1000)))
        let rows = try await writer.read { [sql, arguments] db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        }
        return readable(rows, table: "job", key: "id") { try Self.job(JobRecord(row: $0)) }
    }

    /// One job by its exact id (no prefixes: the API names jobs whole).
    public func job(exactly id: String) async throws -> Job? {
        let row = try await writer.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM job WHERE id = ?"), arguments: [id])
        }
        return try row.map(Self.readJob)
    }
}
