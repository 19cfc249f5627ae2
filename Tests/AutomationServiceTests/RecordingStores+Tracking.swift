import Automation
import Foundation

// RecordingStores forwards machines and Change Tracking too.
extension RecordingStores {
    func machines() async throws -> [MachineState] { try await inner.machines() }
    func machine(named name: String) async throws -> MachineState? { try await inner.machine(named: name) }
    func machineNames() async throws -> [String] { try await inner.machineNames() }
    func registerMachine(_ machine: Machine, replace: Bool, at now: Date) async throws {
        try await inner.registerMachine(machine, replace: replace, at: now)
    }
    func removeMachine(named name: String) async throws -> Bool { try await inner.removeMachine(named: name) }
    func saveGateway(_ gateway: Gateway) async throws { try await inner.saveGateway(gateway) }
    func gateways() async throws -> [Gateway] { try await inner.gateways() }
    func enable(_ solutions: [Solution], on machines: [String], account: String, jobId: String?, at now: Date)
        async throws
    {
        try await inner.enable(solutions, on: machines, account: account, jobId: jobId, at: now)
    }
    func disable(_ solutions: [Solution], on machines: [String]) async throws {
        try await inner.disable(solutions, on: machines)
    }
    func setScope(_ solutions: [Solution], account: String, filter: ScopeFilter, at now: Date) async throws {
        try await inner.setScope(solutions, account: account, filter: filter, at: now)
    }
    func clearScope(_ solutions: [Solution], account: String) async throws {
        try await inner.clearScope(solutions, account: account)
    }
    func scopes() async throws -> [TrackingScope] { try await inner.scopes() }
    func trackingSettings(account: String) async throws -> TrackingSettingsVersion {
        try await inner.trackingSettings(account: account)
    }
    func saveTrackingSettings(
        _ settings: TrackingSettings, account: String, basedOn version: Int?, jobId: String?, at now: Date
    ) async throws -> Int? {
        try await inner.saveTrackingSettings(settings, account: account, basedOn: version, jobId: jobId, at: now)
    }
    func lastScan(machine: String) async throws -> ScanMark? { try await inner.lastScan(machine: machine) }
    func fileIndex(machine: String) async throws -> FileIndex {
        try await inner.fileIndex(machine: machine)
    }
    func fileKeys(machine: String) async throws -> Set<String> { try await inner.fileKeys(machine: machine) }
    func fileCount(machine: String) async throws -> Int { try await inner.fileCount(machine: machine) }
    func snapshot(machine: String, files: Set<String>) async throws -> [InventoryItem] {
        try await inner.snapshot(machine: machine, files: files)
    }
    func commitScan(_ record: ScanRecord, proceed: @escaping @Sendable () -> Bool) async throws -> ScanCommit {
        try await inner.commitScan(record, proceed: proceed)
    }
    func changes(_ filter: ChangeFilter) async throws -> [ChangeRow] { try await inner.changes(filter) }
    func inventory(machine: String?, type: ConfigType?) async throws -> [InventoryRow] {
        try await inner.inventory(machine: machine, type: type)
    }
}

extension RecordingStores {
    func changePage(_ query: ChangePageQuery) async throws -> [ChangeRow] { try await inner.changePage(query) }
    func change(id: Int64) async throws -> ChangeRow? { try await inner.change(id: id) }
    func changeCounts(_ query: ChangePageQuery, from: Date, to: Date, bucketSeconds: Int64) async throws
        -> [ChangeCount]
    {
        try await inner.changeCounts(query, from: from, to: to, bucketSeconds: bucketSeconds)
    }
    func changeCounts(_ slots: [ChangeSlot]) async throws -> [Int] { try await inner.changeCounts(slots) }
    func changeSpan(_ query: ChangePageQuery) async throws -> ChangeSpan? { try await inner.changeSpan(query) }
    func machineList(subscription: String?, location: String?, offset: Int, limit: Int) async throws
        -> MachineListPage
    {
        try await inner.machineList(subscription: subscription, location: location, offset: offset, limit: limit)
    }
}

extension RecordingStores {
    func apply(_ file: AutomationFile, at now: Date) async throws -> ApplySummary {
        try await inner.apply(file, at: now)
    }
}

extension RecordingStores {
    func setDefaultAccount(_ name: String) async throws { try await inner.setDefaultAccount(name) }
    func setProfile(_ profile: LimitsProfile, account name: String?) async throws -> (
        account: String, previous: LimitsProfile?
    ) {
        try await inner.setProfile(profile, account: name)
    }
}
