import Automation
import AutomationStore
import Foundation
import KQL

/// The application layer: the use cases the command line and the HTTP API share. Front ends
/// parse, call one use case, and render; they never reach the store themselves.
public struct AutomationService: Sendable {
    /// The store as the async use cases (every API path) reach it: the narrow store protocols.
    let stores: any AutomationStoring
    /// The SQLite store itself, for what still takes it: the runbook engine and scheduler, the
    /// command line's synchronous use cases, the portal's change pages and Log Analytics. Nil on
    /// PostgreSQL.
    let embedded: AutomationStore?
    /// Where KQL queries run: the embedded store, or a snapshot of PostgreSQL's rows.
    let logQueries: (any LogQuerying)?
    let now: @Sendable () -> Date
    /// The embedded store's folder, when the service was opened on one.
    var folder: String?
    let cache = ServiceCache()
    /// Log Analytics queries through the API and the portal, a few at once (docs/SECURITY.md).
    let queryLimiter = WorkLimiter(.queries)
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
        self.embedded = store
        self.stores = stores
        self.logQueries = store
        self.now = now
    }

    /// A service over a shared store (PostgreSQL) only: the async use cases (the API's accounts,
    /// runbooks, jobs, schedules and tokens) work; those that need the embedded store are
    /// `ServiceError.unavailable`.
    public init(
        shared stores: any AutomationStoring, logQueries: (any LogQuerying)? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.embedded = nil
        self.stores = stores
        self.logQueries = logQueries
        self.now = now
    }

    // Each file of use cases reaches the store through the views below, each the narrow
    // protocols of one concern; the union `stores` is for wiring (the runner, copy, defaults).
    var accountStore: any AccountStoring & AccountSettingStoring { stores }
    var jobStore: any JobStoring & AccountStoring { stores }
    var historyStore: any JobHistoryReading & JobPurging & JobStoring { stores }
    var runbookStore: any RunbookStoring { stores }
    var scheduleStore: any ScheduleStoring { stores }
    var tokenStore: any TokenStoring { stores }
    var machineStore: any MachineStoring { stores }
    var trackingStore: any ChangeTrackingStoring & AccountStoring { stores }
    var pageStore: any ChangePageReading { stores }
    var fileStore: any AutomationFileApplying { stores }

    /// What only the embedded store does, for the use cases that need it.
    var store: any EmbeddedStoreOperations {
        get throws(ServiceError) { try embeddedStore }
    }

    /// The SQLite store itself, for wiring the runner, the scheduler and the node.
    var embeddedStore: AutomationStore {
        get throws(ServiceError) {
            guard let embedded else { throw .unavailable(Self.embeddedOnly) }
            return embedded
        }
    }

    /// What a service over PostgreSQL cannot do yet, and what to do instead.
    public static let embeddedOnly =
        "this needs the embedded store itself (a job run in the foreground, the source of a store copy): "
        + "run it against a store folder (--store DIR)"
}
