import Automation
import Foundation
import KQL

/// KQL on the embedded store: the compiled SQL runs in the store's own database. (A shared
/// store's rows are read into a snapshot instead: `LogQuerySnapshot`.)
extension AutomationStore: LogQuerying {
    public var logSchema: KQLSchema { LogAnalyticsSchema.schema }

    public func runLogQuery(
        _ query: CompiledQuery, timespan: DateInterval?, rowLimit: Int, timeLimit: Duration, budget: KQLBudget
    ) async throws -> KQLResultTable {
        try await asyncRead { db in
            LogAnalyticsFunctions.register(on: db)
            return try KQLExecutor.run(query, in: db, rowLimit: rowLimit, budget: budget)
        }
    }
}

extension LogAnalyticsSchema {
    /// The embedded store's tables each Log Analytics table reads.
    static let storeTables: [String: [String]] = [
        configurationChange.source: ["configurationChange", "machine"],
        configurationData.source: ["configurationData", "machine", "machineScan"],
        heartbeat.source: ["heartbeat"],
        azureDiagnostics.source: ["jobStatus", "jobStream", "job", "account"],
    ]

    /// The store tables a compiled query reads: those of each Log Analytics table whose source
    /// its SQL names (the compiler writes a table's source into the SQL as it is).
    public static func storeTables(readBy query: CompiledQuery) -> Set<String> {
        var tables = Set<String>()
        for (source, names) in storeTables where query.sql.contains(source) {
            tables.formUnion(names)
        }
        return tables
    }
}
