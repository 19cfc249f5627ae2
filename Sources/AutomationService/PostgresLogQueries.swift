import Automation
import AutomationStore
import Foundation
import KQL
import PostgresStore

/// KQL on PostgreSQL: the rows the query's tables hold within its timespan, read in one
/// read-only snapshot, and the query run over them in memory (`LogQuerySnapshot`), so the same
/// compiled SQL answers the same on either store.
struct PostgresLogQueries: LogQuerying {
    let store: PostgresStore

    var logSchema: KQLSchema { LogAnalyticsSchema.schema }

    func runLogQuery(
        _ query: CompiledQuery, timespan: DateInterval?, rowLimit: Int, timeLimit: Duration, budget: KQLBudget
    ) async throws -> KQLResultTable {
        let start = ContinuousClock.now
        let tables: [StoreTable]
        do {
            tables = try await store.logTables(
                LogAnalyticsSchema.storeTables(readBy: query), sql: query.sql, timespan: timespan, timeout: timeLimit)
        } catch let error as StoreError where ContinuousClock.now - start >= timeLimit {
            throw ServiceError.invalid(
                "the rows this query reads could not be read from PostgreSQL within its time limit of "
                    + "\(timeLimit.components.seconds) s (narrow its timespan, or check that PostgreSQL is "
                    + "reachable: \(error))", target: "timespan")
        }
        return try await LogQuerySnapshot.run(query, tables: tables, rowLimit: rowLimit, budget: budget)
    }
}

extension AutomationService {
    /// A service over the PostgreSQL store: every store protocol, and KQL over its rows.
    public init(postgres store: PostgresStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(shared: store, logQueries: PostgresLogQueries(store: store), now: now)
    }
}
