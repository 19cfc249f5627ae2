import Foundation

/// Where a compiled KQL query runs: a store's Log Analytics tables, whichever store holds them.
/// `logSchema` is what queries compile against (the tables and columns the store answers).
public protocol LogQuerying: Sendable {
    var logSchema: KQLSchema { get }
    /// Runs `query`; `timespan` is the one it was compiled with (a store may read only the rows
    /// inside it). Rows stop at `rowLimit`; past `timeLimit` (the budget's deadline) the answer
    /// is partial; the budget's other limits hold too.
    func runLogQuery(
        _ query: CompiledQuery, timespan: DateInterval?, rowLimit: Int, timeLimit: Duration, budget: KQLBudget
    ) async throws -> KQLResultTable
}
