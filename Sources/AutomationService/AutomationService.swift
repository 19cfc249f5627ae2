import Automation
import AutomationStore
import Foundation

/// The application layer: the use cases the command line and the HTTP API share. Front ends
/// parse, call one use case, and render; they never reach the store themselves.
public struct AutomationService: Sendable {
    /// The store as the async use cases (every API path) reach it: the narrow store protocols.
    let stores: any AutomationStoring
    /// The SQLite store itself, for what still takes it: the runbook engine and scheduler, and
    /// the command line's synchronous use cases.
    public let store: AutomationStore
    let now: @Sendable () -> Date
    let cache = ServiceCache()
    /// The row limit of a query through the API (`runbook serve --query-row-limit`); more rows
    /// make a partial answer, as Azure's limits do.
    public var queryRowLimit = LogQuery.defaultRowLimit

    public init(store: AutomationStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(store: store, stores: AsyncAutomationStore(store), now: now)
    }

    /// A service whose async use cases reach `stores` (another implementation of the store
    /// protocols); `store` serves the rest.
    public init(
        store: AutomationStore, stores: any AutomationStoring, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.stores = stores
        self.now = now
    }
}
