import Automation
import AutomationStore
import Foundation

/// The application layer: the use cases the command line and the HTTP API share. Front ends
/// parse, call one use case, and render; they never reach the store themselves.
public struct AutomationService: Sendable {
    public let store: AutomationStore
    let now: @Sendable () -> Date
    let cache = ServiceCache()
    /// The row limit of a query through the API (`runbook serve --query-row-limit`); more rows
    /// make a partial answer, as Azure's limits do.
    public var queryRowLimit = LogQuery.defaultRowLimit

    public init(store: AutomationStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }
}
