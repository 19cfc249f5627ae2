import Automation
import Foundation

// Machines and Change Tracking on SQLite: each call is the synchronous store method's one
// transaction, run on the calling task as the scanner always ran it (a scan's commit is the
// only long one, and it is the job's own work).

extension AsyncAutomationStore: MachineStoring {
    public func machines() async throws -> [MachineState] { try store.machines() }
    public func machine(named name: String) async throws -> MachineState? { try store.machine(named: name) }
    public func machineNames() async throws -> [String] { try store.machineNames() }

    public func registerMachine(_ machine: Machine, replace: Bool, at now: Date) async throws {
        try store.registerMachine(machine, replace: replace, at: now)
    }

    public func removeMachine(named name: String) async throws -> Bool { try store.removeMachine(named: name) }
    public func saveGateway(_ gateway: Gateway) async throws { try store.saveGateway(gateway) }
    public func gateways() async throws -> [Gateway] { try store.gateways() }

    public func enable(_ solutions: [Solution], on machines: [String], account: String, jobId: String?, at now: Date)
        async throws
    {
        try store.enable(solutions, on: machines, account: account, jobId: jobId, at: now)
    }

    public func disable(_ solutions: [Solution], on machines: [String]) async throws {
        try store.disable(solutions, on: machines)
    }

    public func setScope(_ solutions: [Solution], account: String, filter: ScopeFilter, at now: Date) async throws {
        try store.setScope(solutions, account: account, filter: filter, at: now)
    }

    public func clearScope(_ solutions: [Solution], account: String) async throws {
        try store.clearScope(solutions, account: account)
    }

    public func scopes() async throws -> [TrackingScope] { try store.scopes() }
}

extension AsyncAutomationStore: AccountSettingStoring {
    public func setDefaultAccount(_ name: String) async throws { try store.setDefaultAccount(name) }

    public func setProfile(_ profile: LimitsProfile, account name: String?) async throws -> (
        account: String, previous: LimitsProfile?
    ) {
        try store.setProfile(profile, account: name)
    }
}

extension AsyncAutomationStore: AutomationFileApplying {
    public func apply(_ file: AutomationFile, at now: Date) async throws -> ApplySummary {
        try store.apply(file, at: now)
    }
}

extension AsyncAutomationStore: ChangeTrackingStoring {
    public func trackingSettings(account: String) async throws -> TrackingSettingsVersion {
        let (settings, version, changedAt) = try store.trackingSettings(account: account)
        return TrackingSettingsVersion(settings: settings, version: version, changedAt: changedAt)
    }

    public func saveTrackingSettings(
        _ settings: TrackingSettings, account: String, basedOn version: Int?, jobId: String?, at now: Date
    ) async throws -> Int? {
        try store.saveTrackingSettings(settings, account: account, basedOn: version, jobId: jobId, at: now)
    }

    public func lastScan(machine: String) async throws -> ScanMark? { try store.lastScan(machine: machine) }

    public func fileIndex(machine: String) async throws -> FileIndex {
        try store.fileIndex(machine: machine)
    }

    public func fileKeys(machine: String) async throws -> Set<String> { try store.fileKeys(machine: machine) }

    public func fileCount(machine: String) async throws -> Int { try store.fileCount(machine: machine) }

    public func snapshot(machine: String, files: Set<String>) async throws -> [InventoryItem] {
        try store.snapshot(machine: machine, files: files)
    }

    public func commitScan(_ record: ScanRecord, proceed: @escaping @Sendable () -> Bool) async throws -> ScanCommit {
        try store.commitScan(
            machine: record.machine, changes: record.changes, recordChanges: record.recordChanges,
            fileIndex: record.fileIndex, startedAt: record.startedAt, endedAt: record.endedAt, jobId: record.jobId,
            expectedScans: record.expectedScans, agentSequence: record.agentSequence, leaseNode: record.leaseNode,
            proceed: proceed)
    }

    public func changes(_ filter: ChangeFilter) async throws -> [ChangeRow] { try store.changes(filter) }

    public func inventory(machine: String?, type: ConfigType?) async throws -> [InventoryRow] {
        try store.inventory(machine: machine, type: type)
    }
}

// The portal's reads run off Swift's cooperative pool (a request never blocks one of its threads
// on SQLite): each is the synchronous store's read, on a queue of its own.
extension AsyncAutomationStore: ChangePageReading {
    public func changePage(_ query: ChangePageQuery) async throws -> [ChangeRow] {
        try await Self.blocking { [store] in try store.changePage(query) }
    }

    public func change(id: Int64) async throws -> ChangeRow? {
        try await Self.blocking { [store] in try store.change(id: id) }
    }

    public func changeCounts(_ query: ChangePageQuery, from: Date, to: Date, bucketSeconds: Int64) async throws
        -> [ChangeCount]
    {
        try await Self.blocking { [store] in
            try store.changeCounts(query, from: from, to: to, bucketSeconds: bucketSeconds)
        }
    }

    public func changeCounts(_ slots: [ChangeSlot]) async throws -> [Int] {
        try await Self.blocking { [store] in try store.changeCounts(slots) }
    }

    public func changeSpan(_ query: ChangePageQuery) async throws -> ChangeSpan? {
        try await Self.blocking { [store] in
            try store.changeSpan(query).map { ChangeSpan(first: $0.0, last: $0.1) }
        }
    }

    public func machineList(subscription: String?, location: String?, offset: Int, limit: Int) async throws
        -> MachineListPage
    {
        try await Self.blocking { [store] in
            let page = try store.machineList(
                subscription: subscription, location: location, offset: offset, limit: limit)
            return MachineListPage(rows: page.rows, matching: page.matching, total: page.total)
        }
    }

    static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            portalQueue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private static let portalQueue = DispatchQueue(label: "runbook.portal.store", attributes: .concurrent)
}
