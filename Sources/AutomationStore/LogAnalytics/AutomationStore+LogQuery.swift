import Foundation
import GRDB
import KQL

extension AutomationStore {
    /// Runs a compiled KQL query in a read-only transaction of its own connection: a query can
    /// read everything and change nothing. The rows stop at `rowLimit`, and a statement still
    /// running at `timeLimit` is interrupted; either way the result says it is partial.
    ///
    /// GRDB's callback access (`asyncRead`), not its `async` read, which holds a pool reader
    /// until the waiting task resumes: with the engine's blocking reads on the same two threads
    /// that deadlocked the server (docs/PERFORMANCE.md, the store seam).
    public func runLogQuery(_ query: CompiledQuery, rowLimit: Int, timeLimit: Duration) async throws -> KQLResultTable {
        try await runLogQuery(
            query, timespan: nil, rowLimit: rowLimit, timeLimit: timeLimit,
            budget: KQLBudget(deadline: ContinuousClock.now.advanced(by: timeLimit)))
    }
}
