import Automation
import Foundation
import KQL

/// The `query` input of `assert-no-changes` and `report-changes`: a KQL query over the
/// workspace's tables, run in the store like `runbook query`. A gate fails when it has rows.
enum QueryGate {
    /// Rows shown in the job's streams; the count says how many more there were.
    static let shownRows = 50

    /// Runs `text` with `since` (a duration, or nil) as its timespan; a query that does not
    /// compile writes its located error to the Error stream and answers nil.
    static func run(_ text: String, since: Duration?, context: ActionContext) async throws -> KQLResultTable? {
        let now = context.now()
        let timespan = since.map {
            DateInterval(start: $0.before(now), end: now)
        }
        do {
            let compiled = try KQL.compile(
                text, schema: context.logStore.logSchema,
                options: KQLOptions(now: now, timespan: timespan, rowLimit: 10_000))
            let budget = KQLBudget(deadline: ContinuousClock.now.advanced(by: .seconds(300)))
            return try await withTaskCancellationHandler {
                try await context.logStore.runLogQuery(
                    compiled, timespan: timespan, rowLimit: 10_000, timeLimit: .seconds(300), budget: budget)
            } onCancel: {
                budget.cancel()
            }
        } catch let diagnostic as KQLDiagnostic {
            await context.sink.write(.error, "query: \(diagnostic.description)")
            return nil
        }
    }

    /// A row for a stream: `Computer=contoso-lnx01, FileSystemPath=/etc/hosts`.
    static func line(_ row: [KQLValue], columns: [KQLResultColumn]) -> String {
        zip(columns, row).map { column, value in "\(column.name)=\(LogValueText.text(value))" }.joined(separator: ", ")
    }

    /// `assert-no-changes` with a query: rows fail the step, and the first ones are shown.
    static func gate(_ text: String, since: Duration?, context: ActionContext) async throws -> StepResult {
        guard let table = try await run(text, since: since, context: context) else { return .failed("invalid query") }
        guard !table.rows.isEmpty else {
            await context.sink.write(.output, "The query returned no rows.")
            return .succeeded
        }
        for row in table.rows.prefix(shownRows) {
            await context.sink.write(.error, line(row, columns: table.columns))
        }
        let count = table.truncated ? "more than \(table.rows.count)" : "\(table.rows.count)"
        if table.rows.count > shownRows {
            await context.sink.write(.error, "... and \(table.rows.count - shownRows) more")
        }
        return .failed("the query returned \(count) row(s)")
    }
}
