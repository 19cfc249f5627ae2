import Automation
import AutomationStore
import Foundation
import KQL

/// A KQL query over the workspace's tables, as Log Analytics answers it.
public struct LogQuery: Sendable {
    public var text: String
    /// Every table's `TimeGenerated` is limited to this interval (Azure's `timespan`).
    public var timespan: DateInterval?
    /// Rows past this are not returned: the answer is partial, as Azure's is past its limits.
    public var rowLimit: Int
    /// A query still running after this long is interrupted and answers partially.
    public var timeLimit: Duration
    /// Who asks (the API's and the portal's token): queries run at most a few at once per token
    /// and overall; nil (the command line's own process) is not limited.
    public var caller: TokenInfo?

    public static let defaultRowLimit = 30_000
    public static let defaultTimeLimit = Duration.seconds(60)

    public init(
        text: String, timespan: DateInterval? = nil, rowLimit: Int = LogQuery.defaultRowLimit,
        timeLimit: Duration = LogQuery.defaultTimeLimit, caller: TokenInfo? = nil
    ) {
        self.text = text
        self.timespan = timespan
        self.rowLimit = rowLimit
        self.timeLimit = timeLimit
        self.caller = caller
    }
}

/// What a query answered, with why it is partial when it is.
public struct LogQueryResult: Sendable {
    public var table: KQLResultTable
    public var render: KQLRender?
    /// Set when rows were left out: the row limit or the time limit was reached.
    public var partial: String?
    public var compileTime: Duration
    public var executeTime: Duration
}

extension AutomationService {
    /// The largest query text accepted: Azure refuses queries past about 1 MB as well.
    public static let maxQueryBytes = 1 << 20

    /// The Log Analytics tables a query may read (the workspace's, on either store).
    public static var logTableNames: [String] { LogAnalyticsSchema.tableNames }

    /// Compiles the KQL to the store's SQL and runs it there. Syntax and semantic errors come
    /// back as a located `KQLDiagnostic`; nothing a query says can change the store (it runs in
    /// a read-only transaction and its values are bound, never spliced into SQL).
    public func query(_ request: LogQuery) async throws -> LogQueryResult {
        guard request.text.utf8.count <= Self.maxQueryBytes else {
            throw ServiceError.invalid(
                "the query is \(request.text.utf8.count) bytes; at most \(Self.maxQueryBytes) are accepted",
                target: "query")
        }
        guard request.rowLimit > 0 else {
            throw ServiceError.invalid("the row limit must be at least 1", target: "limit")
        }
        guard let logQueries else { throw ServiceError.unavailable(Self.embeddedOnly) }
        return try await queryLimiter.run("queries", token: request.caller) {
            let clock = ContinuousClock()
            let compileStart = clock.now
            let compiled = try compile(request)
            let compileTime = compileStart.duration(to: clock.now)
            let executeStart = clock.now
            // The budget stops the run at its deadline even inside one long function call, and a
            // cancelled request (a client gone, the server stopping) ends it at once.
            let budget = KQLBudget(deadline: executeStart.advanced(by: request.timeLimit))
            let table: KQLResultTable
            do {
                table = try await withTaskCancellationHandler {
                    try await logQueries.runLogQuery(
                        compiled, timespan: request.timespan, rowLimit: request.rowLimit, timeLimit: request.timeLimit,
                        budget: budget)
                } onCancel: {
                    budget.cancel()
                }
            } catch let error as KQLExecutionError {
                if budget.isCancelled { throw CancellationError() }
                throw ServiceError.invalid(error.description, target: "query")
            }
            let executeTime = executeStart.duration(to: clock.now)
            return Self.result(
                table, compiled, request, compileTime: compileTime, executeTime: executeTime)
        }
    }

    private static func result(
        _ table: KQLResultTable, _ compiled: CompiledQuery, _ request: LogQuery, compileTime: Duration,
        executeTime: Duration
    ) -> LogQueryResult {
        let partial: String? =
            switch table.stopped {
            case .rowLimit:
                "Query result set has exceeded the limit of \(request.rowLimit) rows; the first \(request.rowLimit) "
                    + "rows are returned (E_QUERY_RESULT_SET_TOO_LARGE)"
            case .deadline:
                "The query ran past its time limit of \(request.timeLimit.components.seconds) s; the rows found "
                    + "until then are returned"
            case .resultBytes:
                "The rows reached \(KQLBudget.defaultMaxResultBytes >> 20) MiB, the limit on a query's result; the "
                    + "rows that fit are returned"
            case nil: nil
            }
        return LogQueryResult(
            table: table, render: compiled.render, partial: partial, compileTime: compileTime,
            executeTime: executeTime)
    }

    /// The SQL a query compiles to over the store's tables (`runbook query --sql`).
    public func compile(_ request: LogQuery) throws(KQLDiagnostic) -> CompiledQuery {
        try KQL.compile(
            request.text, schema: LogAnalyticsSchema.schema,
            options: KQLOptions(now: now(), timespan: request.timespan, rowLimit: request.rowLimit))
    }

    /// The workspaces the query API answers for: each account's linked workspace, by its id (a
    /// GUID, as Azure's customer id) or by its name.
    public func linkedWorkspace(_ id: String) async throws(ServiceError) -> String {
        let accounts = try await accounts()
        for state in accounts {
            let name = state.account.workspace
            if name == id || WorkspaceIdentity.customerId(workspace: name).caseInsensitiveCompare(id) == .orderedSame {
                return name
            }
        }
        throw .notFound(
            kind: "workspace", name: id,
            hint: "; the linked workspaces are "
                + accounts.map {
                    "'\(WorkspaceIdentity.customerId(workspace: $0.account.workspace))' ('\($0.account.workspace)')"
                }
                .joined(separator: ", "))
    }
}

extension AutomationService {
    /// The service's clock, for front ends that read times relative to now (a timespan).
    public var currentTime: Date { now() }
}
