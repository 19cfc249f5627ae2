import Automation
import Foundation
import GRDB
import KQL

/// Runs a compiled KQL query over rows read from another store (PostgreSQL), loaded into an
/// in-memory SQLite database under the embedded store's table and column names: the query
/// language compiles to SQLite's SQL and its functions, so the same SQL gives the same answer
/// on either store. The load costs time in proportion to the rows the query's tables hold
/// within its timespan (docs/PERFORMANCE.md).
public enum LogQuerySnapshot {
    public static func run(
        _ query: CompiledQuery, tables: [StoreTable], rowLimit: Int, budget: KQLBudget
    ) async throws -> KQLResultTable {
        SQLiteHeap.installed
        let database = try DatabaseQueue()
        try await database.write { db in
            for table in tables { try load(table, db) }
        }
        return try await withCheckedThrowingContinuation { continuation in
            database.asyncRead { access in
                continuation.resume(
                    with: Result {
                        let db = try access.get()
                        LogAnalyticsFunctions.register(on: db)
                        return try KQLExecutor.run(query, in: db, rowLimit: rowLimit, budget: budget)
                    })
            }
        }
    }

    /// A table without declared types (SQLite keeps each value as it is given, as the embedded
    /// store's columns hold them: dates as GRDB's text), and its rows.
    private static func load(_ table: StoreTable, _ db: Database) throws {
        let name = quoted(table.name)
        try db.execute(sql: "CREATE TABLE \(name) (\(table.columns.map(quoted).joined(separator: ", ")))")
        let insert = try db.makeStatement(
            sql:
                "INSERT INTO \(name) VALUES (\(Array(repeating: "?", count: table.columns.count).joined(separator: ", ")))"
        )
        for row in table.rows {
            try insert.execute(arguments: StatementArguments(row.map(databaseValue)))
        }
        for column in ["id", "timeGenerated", "machineId", "jobId", "name"] where table.columns.contains(column) {
            try db.execute(sql: "CREATE INDEX \(quoted(table.name + "_" + column)) ON \(name) (\(quoted(column)))")
        }
    }

    private static func databaseValue(_ value: StoreValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let number): number.databaseValue
        case .real(let number): number.databaseValue
        case .text(let text): text.databaseValue
        case .blob(let data): data.databaseValue
        case .date(let date): date.databaseValue
        }
    }

    private static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
