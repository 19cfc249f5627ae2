import Foundation

// Machines and Change Tracking as the application layer reaches them, on either store: the
// enablement and configuration use cases, the scanner's diff and commit, and the change and
// inventory reads. Same rules as StoreProtocols.swift: one atomic operation per method.

/// Registered machines, Log Analytics gateways, and which solutions each machine has enabled.
public protocol MachineStoring: Sendable {
    func machines() async throws -> [MachineState]
    func machine(named name: String) async throws -> MachineState?
    func machineNames() async throws -> [String]
    /// Registers a machine; with `replace`, one of the same name is updated (its tracking state
    /// kept), else a taken name is `StoreError.alreadyExists`. A gateway it names must exist.
    func registerMachine(_ machine: Machine, replace: Bool, at now: Date) async throws
    /// Removes a machine with its snapshot, index and enablement; false: no such machine. Its
    /// change history stays (it names the computer).
    func removeMachine(named name: String) async throws -> Bool
    func saveGateway(_ gateway: Gateway) async throws
    func gateways() async throws -> [Gateway]
    /// Records solutions enabled on machines (one already enabled keeps its first time); one
    /// transaction.
    func enable(_ solutions: [Solution], on machines: [String], account: String, jobId: String?, at now: Date)
        async throws
    /// Removes solutions from machines; one transaction.
    func disable(_ solutions: [Solution], on machines: [String]) async throws
    /// Keeps an "all available and future machines" scope (replacing the account's last one).
    func setScope(_ solutions: [Solution], account: String, filter: ScopeFilter, at now: Date) async throws
    func clearScope(_ solutions: [Solution], account: String) async throws
    func scopes() async throws -> [TrackingScope]
}

/// Tracking settings, snapshots (`ConfigurationData`), changes (`ConfigurationChange`) and the
/// scanner's per-machine state.
public protocol ChangeTrackingStoring: Sendable {
    /// The account's current settings and version (0: never configured, Azure's initial settings).
    func trackingSettings(account: String) async throws -> TrackingSettingsVersion
    /// Stores a new settings version; returns its number (versions of one account never repeat).
    /// With `basedOn`, only when the account's current version is still that one (the settings
    /// were computed from it): nil when another version was saved meanwhile, nothing stored.
    func saveTrackingSettings(
        _ settings: TrackingSettings, account: String, basedOn version: Int?, jobId: String?, at now: Date
    ) async throws -> Int?
    func lastScan(machine: String) async throws -> ScanMark?
    func fileIndex(machine: String) async throws -> FileIndex
    /// Keys of a machine's stored file items, without their fields.
    func fileKeys(machine: String) async throws -> Set<String>
    /// How many file items a machine has stored.
    func fileCount(machine: String) async throws -> Int
    /// Stored items except files, plus the file items named in `files`, sorted by (type, key). A
    /// row that cannot be read throws (naming it): skipping it would record its item as Added.
    func snapshot(machine: String, files: Set<String>) async throws -> [InventoryItem]
    /// Records one scan of a machine in one transaction (see `ScanRecord`). When the machine's
    /// scan count is no longer `record.expectedScans`, nothing is written: `.stale`. `proceed` is
    /// asked inside the transaction before and after the writes; false rolls back: `.stopped`.
    /// The fence: when `record.jobId` names a stored job that is not running (it ended, or was
    /// recovered from a node or process that lost it), or that is leased to another node than
    /// `record.leaseNode`, nothing is written: `.stopped`. With `record.agentSequence`, the
    /// machine's agent must have its `previous` upload as the last stored, else `.stale`.
    func commitScan(_ record: ScanRecord, proceed: @escaping @Sendable () -> Bool) async throws -> ScanCommit
    /// `ConfigurationChange` rows, newest first; an unreadable row is reported and skipped.
    func changes(_ filter: ChangeFilter) async throws -> [ChangeRow]
    /// `ConfigurationData` rows for one machine or all, sorted by computer, type and key.
    func inventory(machine: String?, type: ConfigType?) async throws -> [InventoryRow]
}

/// The portal's reads of changes and machines: keyset pages, counts for the timeline chart,
/// and the machine list.
public protocol ChangePageReading: Sendable {
    /// A page of `ConfigurationChange` rows, newest first, after the query's cursor.
    func changePage(_ query: ChangePageQuery) async throws -> [ChangeRow]
    func change(id: Int64) async throws -> ChangeRow?
    /// Counts per (bucket, type) of the changes the query's filters select between `from` and
    /// `to` (its cursor and limit ignored), in buckets of `bucketSeconds` aligned on 1970.
    func changeCounts(_ query: ChangePageQuery, from: Date, to: Date, bucketSeconds: Int64) async throws
        -> [ChangeCount]
    /// The number of changes of each slot's type in its time range, one per slot.
    func changeCounts(_ slots: [ChangeSlot]) async throws -> [Int]
    /// The oldest and newest change times the filters select (nil when none).
    func changeSpan(_ query: ChangePageQuery) async throws -> ChangeSpan?
    /// A page of machines by name (only those in `subscription` and `location` when both are
    /// given), how many match, and how many exist.
    func machineList(subscription: String?, location: String?, offset: Int, limit: Int) async throws
        -> MachineListPage
}

/// The oldest and newest change time.
public struct ChangeSpan: Sendable, Hashable {
    public var first: Date
    public var last: Date

    public init(first: Date, last: Date) {
        self.first = first
        self.last = last
    }
}

/// A page of the machine list.
public struct MachineListPage: Sendable, Hashable {
    public var rows: [MachineListRow]
    public var matching: Int
    public var total: Int

    public init(rows: [MachineListRow], matching: Int, total: Int) {
        self.rows = rows
        self.matching = matching
        self.total = total
    }
}

/// Everything machines and Change Tracking ask of a store.
public typealias TrackingStoring = AccountStoring & MachineStoring & ChangeTrackingStoring

/// An account's tracking settings as stored.
public struct TrackingSettingsVersion: Sendable, Hashable {
    public var settings: TrackingSettings
    /// 0: never configured (the settings are Azure's initial ones).
    public var version: Int
    public var changedAt: Date?

    public init(settings: TrackingSettings, version: Int, changedAt: Date?) {
        self.settings = settings
        self.version = version
        self.changedAt = changedAt
    }
}

/// One scan of one machine, as committed: the snapshot rows that changed (only those are
/// written, so a rescan of an unchanged machine is nearly free), their change records, the new
/// file index (nil: unchanged) and the scan's times.
public struct ScanRecord: Sendable {
    public var machine: String
    public var changes: [ItemChange]
    /// False for a machine's first scan (its baseline): inventory only, no change records.
    public var recordChanges: Bool
    public var fileIndex: FileIndex?
    public var startedAt: Date
    public var endedAt: Date
    public var jobId: String?
    /// The machine's scan count when the changes were computed (0: never scanned); nil: do not check.
    public var expectedScans: Int?
    /// The node whose lease on the job the commit checks (a PostgreSQL node's scan); nil: none.
    public var leaseNode: String?
    /// An agent's upload: its place in the agent's sequence, checked and advanced in the commit.
    public var agentSequence: AgentSequenceStep?

    public init(
        machine: String, changes: [ItemChange], recordChanges: Bool, fileIndex: FileIndex?,
        startedAt: Date, endedAt: Date, jobId: String?, expectedScans: Int?, leaseNode: String? = nil,
        agentSequence: AgentSequenceStep? = nil
    ) {
        self.machine = machine
        self.changes = changes
        self.recordChanges = recordChanges
        self.fileIndex = fileIndex
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.jobId = jobId
        self.expectedScans = expectedScans
        self.leaseNode = leaseNode
        self.agentSequence = agentSequence
    }
}

extension AccountStoring {
    /// The named account, or the default one when `name` is nil.
    public func account(namedOrDefault name: String?) async throws -> AccountState? {
        guard let name else { return try await defaultAccount() }
        return try await accounts().first { $0.account.name == name }
    }

    /// A workspace some account links to, by name.
    public func workspace(named name: String) async throws -> Workspace? {
        try await accounts().first { $0.workspace.name == name }?.workspace
    }
}
