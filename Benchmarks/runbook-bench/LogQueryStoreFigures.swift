import AutomationStore
import Foundation
import KQL
import PostgresStore

/// KQL over the same rows on both stores: in place on SQLite, and on PostgreSQL over a snapshot
/// of the rows its tables hold within the timespan (what a node does), median of `rounds`.
enum LogQueryStoreFigures {
    static func run(sqlite: AutomationStore, postgres: PostgresStore, rounds: Int) async throws {
        let now = Date()
        let queries = [
            ("ConfigurationData | summarize count() by ConfigDataType", nil as DateInterval?),
            (
                "ConfigurationChange | summarize count() by ChangeCategory",
                DateInterval(start: now.addingTimeInterval(-3600), end: now)
            ),
        ]
        print("KQL on each store, median of \(rounds) runs")
        for (text, timespan) in queries {
            let compiled = try KQL.compile(
                text, schema: LogAnalyticsSchema.schema,
                options: KQLOptions(now: now, timespan: timespan, rowLimit: 30_000))
            var onSQLite: [Double] = []
            var onPostgres: [Double] = []
            for _ in 0..<rounds {
                onSQLite.append(
                    try await ScanCommitFigures.time {
                        _ = try await sqlite.runLogQuery(compiled, rowLimit: 30_000, timeLimit: .seconds(300))
                    })
                onPostgres.append(
                    try await ScanCommitFigures.time {
                        let tables = try await postgres.logTables(
                            LogAnalyticsSchema.storeTables(readBy: compiled), sql: compiled.sql, timespan: timespan,
                            timeout: .seconds(300))
                        _ = try await LogQuerySnapshot.run(
                            compiled, tables: tables, rowLimit: 30_000,
                            budget: KQLBudget(deadline: .now + .seconds(300)))
                    })
            }
            let (a, b) = (ScanCommitFigures.median(onSQLite), ScanCommitFigures.median(onPostgres))
            print("  " + text)
            print(String(format: "    SQLite %8.1f ms   PostgreSQL %8.1f ms   (%.1fx)", a, b, b / a))
        }
    }
}
