import Foundation
import GRDB
import KQL

extension AutomationStore {
    /// Runs a compiled KQL query in a read-only transaction of its own connection: a query can
    /// read everything and change nothing. The rows stop at `rowLimit`, and a statement still
    /// running at `timeLimit` is interrupted; either way the result says it is partial.
    public func runLogQuery(_ query: CompiledQuery, rowLimit: Int, timeLimit: Duration) async throws -> KQLResultTable {
        let deadline = ContinuousClock.now.advanced(by: timeLimit)
        return try await writer.read { db in
            LogAnalyticsFunctions.register(on: db)
            return try KQLExecutor.run(query, in: db, rowLimit: rowLimit, deadline: deadline)
        }
    }
}
