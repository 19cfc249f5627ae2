import Automation
import AutomationService
import ChangeTracking
import Foundation
import Testing

/// Machines and Change Tracking: the same behaviour on every store.
extension StoreContractTests {
    static func machine(_ name: String, gateway: String? = nil) throws -> Machine {
        Machine(
            name: name, os: try #require(OperatingSystem("Ubuntu 22.04")), subscription: "s", resourceGroup: "g",
            location: Region.test("EastUS2"), tags: ["env": "prod"],
            network: MachineNetwork(route: gateway == nil ? .direct : .gateway, gateway: gateway),
            source: .linuxRoot("/srv/\(name)"))
    }

    static func item(_ key: String, _ fields: [String: String], type: ConfigType = .files) -> InventoryItem {
        InventoryItem(type: type, key: key, fields: fields)
    }

    @Test(arguments: StoreKind.available) func machinesRegisterEnableAndRemove(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            try await store.registerMachine(Self.machine("web1"), replace: false, at: now)
            await #expect(throws: StoreError.self) {
                try await store.registerMachine(Self.machine("web1"), replace: false, at: now)
            }
            var changed = try Self.machine("web1")
            changed.tags = ["env": "test"]
            try await store.registerMachine(changed, replace: true, at: now.addingTimeInterval(60))
            let web1 = try #require(try await store.machine(named: "web1"))
            #expect(web1.machine == changed)
            #expect(web1.registeredAt == now)  // a replace keeps the first registration

            do {
                try await store.registerMachine(Self.machine("db1", gateway: "gw-one"), replace: false, at: now)
                Issue.record("a machine named a gateway that does not exist")
            } catch let error as StoreError {
                guard case .notFound(let kind, _, _) = error else { throw error }
                #expect(kind == "Log Analytics gateway")
            }
            let gateway = Gateway(
                name: "gw-1", rules: [try NetworkRule.parse("443/tcp to *.ods.opinsights.azure.com").get()])
            try await store.saveGateway(gateway)
            try await store.registerMachine(Self.machine("db1", gateway: "gw-1"), replace: false, at: now)
            #expect(try await store.gateways() == [gateway])
            #expect(try await store.machineNames() == ["db1", "web1"])

            try await store.enable(
                [.changeTracking, .inventory], on: ["web1", "db1"], account: "ops", jobId: "j1", at: now)
            try await store.enable(
                [.changeTracking], on: ["web1"], account: "ops", jobId: nil, at: now.addingTimeInterval(5))
            #expect(try await store.machine(named: "web1")?.solutions == [.changeTracking: now, .inventory: now])
            try await store.disable([.inventory], on: ["web1"])
            let listed = try await store.machines()
            #expect(listed.map(\.machine.name) == ["db1", "web1"])
            #expect(listed.map { Set($0.solutions.keys) } == [[.changeTracking, .inventory], [.changeTracking]])
            await #expect(throws: StoreError.self) {
                try await store.enable([.inventory], on: ["nope"], account: "ops", jobId: nil, at: now)
            }

            let filter = ScopeFilter(os: .linux, location: "eastus2", subscription: "s", tags: ["env": "prod"])
            try await store.setScope([.changeTracking], account: "ops", filter: filter, at: now)
            try await store.setScope([.changeTracking], account: "ops", filter: filter, at: now)  // replaces
            #expect(
                try await store.scopes() == [TrackingScope(account: "ops", solution: .changeTracking, filter: filter)])
            try await store.clearScope([.changeTracking], account: "ops")
            #expect(try await store.scopes().isEmpty)

            #expect(try await store.removeMachine(named: "web1"))
            #expect(try await store.removeMachine(named: "web1") == false)
            #expect(try await store.machine(named: "web1") == nil)
        }
    }

    @Test(arguments: StoreKind.available) func trackingSettingsVersionsNeverRepeat(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            let initial = try await store.trackingSettings(account: "ops")
            #expect(initial.version == 0 && initial.changedAt == nil && initial.settings == .initial)
            var settings = TrackingSettings.initial
            settings.files.removeAll()
            #expect(
                try await store.saveTrackingSettings(settings, account: "ops", basedOn: 0, jobId: "j", at: now) == 1)
            // Computed from version 0, saved after version 1: refused, nothing stored.
            #expect(
                try await store.saveTrackingSettings(.initial, account: "ops", basedOn: 0, jobId: nil, at: now) == nil)
            let stored = try await store.trackingSettings(account: "ops")
            #expect(stored.settings == settings && stored.version == 1 && stored.changedAt == now)
            let versions = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        try await store.saveTrackingSettings(
                            .initial, account: "ops", basedOn: nil, jobId: nil, at: Self.now) ?? 0
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(versions.sorted() == Array(2...9))
            await #expect(throws: StoreError.self) { try await store.trackingSettings(account: "nope") }
        }
    }

    @Test(arguments: StoreKind.available) func scansCommitSnapshotsChangesAndIndex(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            try await store.registerMachine(Self.machine("web1"), replace: false, at: now)
            try await store.enable([.changeTracking], on: ["web1"], account: "ops", jobId: nil, at: now)
            #expect(try await store.lastScan(machine: "web1") == nil)
            #expect(try await store.fileIndex(machine: "web1").isEmpty)
            #expect(try await store.snapshot(machine: "web1", files: []).isEmpty)
            await #expect(throws: StoreError.self) { try await store.lastScan(machine: "nope") }

            // Values with NUL, the codec's separators and a leading brace must come back whole.
            let hosts = Self.item("/etc/hosts", ["Size": "12", "Checksum": "ab\u{0}cd"])
            let odd = Self.item("/etc/odd", ["Owner": "a\u{1F}b\u{1E}c", "{x": "1"])
            let nginx = Self.item("nginx", ["CurrentVersion": "1.24"], type: .software)
            let baseline = [hosts, odd, nginx].map {
                ItemChange(
                    type: $0.type, key: $0.key, category: .added, fieldsChanged: [], current: $0.fields, previous: [:])
            }
            let index: FileIndex = [
                "/etc/hosts": FileIndexEntry(
                    device: 1, inode: 2, size: 12, mtimeNs: 3, ctimeNs: 4, mode: 0o644, uid: 0, gid: 0,
                    sha256: String(repeating: "ab", count: 32))
            ]
            let first = ScanRecord(
                machine: "web1", changes: baseline, recordChanges: false, fileIndex: index, startedAt: now,
                endedAt: now.addingTimeInterval(2), jobId: "scan-1", expectedScans: 0)
            #expect(try await store.commitScan(first, proceed: { true }) == .committed)
            #expect(
                try await store.lastScan(machine: "web1")
                    == ScanMark(startedAt: now, endedAt: now.addingTimeInterval(2), scans: 1))
            #expect(try await store.fileIndex(machine: "web1") == index)
            #expect(try await store.fileKeys(machine: "web1") == ["/etc/hosts", "/etc/odd"])
            #expect(try await store.fileCount(machine: "web1") == 2)
            #expect(try await store.snapshot(machine: "web1", files: ["/etc/odd"]) == [odd, nginx])
            #expect(
                try await store.snapshot(machine: "web1", files: ["/etc/hosts", "/etc/odd"]) == [hosts, odd, nginx])
            #expect(try await store.changes(ChangeFilter()).isEmpty)  // a baseline records none

            // A scan computed against the first one: stale once the count moved on, nothing written.
            let later = now.addingTimeInterval(3600)
            let modified = ItemChange(
                type: .files, key: "/etc/hosts", category: .modified, fieldsChanged: ["Size"],
                current: ["Size": "13", "Checksum": "ab\u{0}cd"], previous: hosts.fields)
            let removed = ItemChange(
                type: .software, key: "nginx", category: .removed, fieldsChanged: [], current: [:],
                previous: nginx.fields)
            let second = ScanRecord(
                machine: "web1", changes: [modified, removed], recordChanges: true, fileIndex: nil, startedAt: later,
                endedAt: later.addingTimeInterval(1), jobId: "scan-2", expectedScans: 1)
            var stale = second
            stale.expectedScans = 0
            #expect(try await store.commitScan(stale, proceed: { true }) == .stale)
            #expect(try await store.commitScan(second, proceed: { false }) == .stopped)
            #expect(try await store.lastScan(machine: "web1")?.scans == 1)
            #expect(try await store.changes(ChangeFilter()).isEmpty)

            #expect(try await store.commitScan(second, proceed: { true }) == .committed)
            #expect(try await store.fileIndex(machine: "web1") == index)  // nil: unchanged
            let changes = try await store.changes(ChangeFilter())
            #expect(changes.map(\.change) == [removed, modified])  // newest first, then the later insert first
            #expect(changes.allSatisfy { $0.computer == "web1" && $0.jobId == "scan-2" })
            #expect(changes.first?.timeGenerated == later.addingTimeInterval(1))
            #expect(try await store.changes(ChangeFilter(type: .files)).map(\.change) == [modified])
            #expect(try await store.changes(ChangeFilter(category: .removed)).count == 1)
            #expect(try await store.changes(ChangeFilter(machine: "db9")).isEmpty)
            #expect(try await store.changes(ChangeFilter(jobId: "scan-2", limit: 1)).count == 1)
            #expect(try await store.changes(ChangeFilter(since: later.addingTimeInterval(2))).isEmpty)

            let inventory = try await store.inventory(machine: nil, type: nil)
            #expect(inventory.map(\.item) == [Self.item("/etc/hosts", modified.current), odd])
            #expect(inventory.allSatisfy { $0.computer == "web1" && $0.timeGenerated == later.addingTimeInterval(1) })
            #expect(try await store.inventory(machine: "web1", type: .software).isEmpty)
            #expect(try await store.inventory(machine: "db9", type: nil).isEmpty)

            // The machine goes with its snapshot; its change history stays.
            #expect(try await store.removeMachine(named: "web1"))
            #expect(try await store.inventory(machine: nil, type: nil).isEmpty)
            #expect(try await store.changes(ChangeFilter()).count == 2)
        }
    }

    @Test(arguments: StoreKind.available) func concurrentScansOfOneMachineCommitOnce(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            try await store.registerMachine(Self.machine("web1"), replace: false, at: now)
            let results = try await withThrowingTaskGroup(of: ScanCommit.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        let item = Self.item("/f\(index)", ["Size": "\(index)"])
                        let record = ScanRecord(
                            machine: "web1",
                            changes: [
                                ItemChange(
                                    type: .files, key: item.key, category: .added, fieldsChanged: [],
                                    current: item.fields, previous: [:])
                            ], recordChanges: false, fileIndex: [:], startedAt: Self.now, endedAt: Self.now,
                            jobId: nil, expectedScans: 0)
                        return try await store.commitScan(record, proceed: { true })
                    }
                }
                return try await group.reduce(into: [ScanCommit]()) { $0.append($1) }
            }
            #expect(results.filter { $0 == .committed }.count == 1)
            #expect(results.filter { $0 == .stale }.count == 5)
            #expect(
                try await store.snapshot(machine: "web1", files: ["/f0", "/f1", "/f2", "/f3", "/f4", "/f5"]).count == 1)
            #expect(try await store.lastScan(machine: "web1")?.scans == 1)
        }
    }
}

extension StoreContractTests {
    /// The fence: a scan whose job ended meanwhile (recovered from its node) records nothing.
    @Test(arguments: StoreKind.available) func aScanOfAnEndedJobCommitsNothing(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            try await store.registerMachine(try Self.machine("web1"), replace: false, at: now)
            try await store.createJob(Self.job("11111111-0000-0000-0000-000000000001", status: .running))
            try await store.createJob(Self.job("11111111-0000-0000-0000-000000000002", status: .failed))
            let item = ItemChange(
                type: .files, key: "/etc/hosts", category: .added, fieldsChanged: [], current: ["Size": "1"],
                previous: [:])
            func record(_ job: String?) -> ScanRecord {
                ScanRecord(
                    machine: "web1", changes: [item], recordChanges: false, fileIndex: nil, startedAt: Self.now,
                    endedAt: Self.now, jobId: job, expectedScans: 0)
            }
            #expect(
                try await store.commitScan(record("11111111-0000-0000-0000-000000000002"), proceed: { true })
                    == .stopped)
            #expect(try await store.lastScan(machine: "web1") == nil)
            #expect(
                try await store.commitScan(record("11111111-0000-0000-0000-000000000001"), proceed: { true })
                    == .committed)
            // A job id the store does not hold (a scan outside the job history) is not fenced.
            var later = record("11111111-0000-0000-0000-00000000000f")
            later.expectedScans = 1
            #expect(try await store.commitScan(later, proceed: { true }) == .committed)
        }
    }
}

extension StoreContractTests {
    /// Configure steps on several nodes at once: each change is in the final settings (a save
    /// computed from an older version is refused and re-applied, never lost).
    @Test(arguments: StoreKind.available) func concurrentConfigurationsLoseNoChange(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            let configuration = TrackingConfiguration(store: store, now: { Self.now })
            let applied = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        let file = TrackedFile(name: "file-\(index)", os: .linux, path: "/srv/file-\(index)")
                        return try await configuration.apply(
                            ConfigurationRequest(files: [file]), jobId: nil, sink: DiscardingSink())
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(applied.allSatisfy { $0 })
            let stored = try await store.trackingSettings(account: "ops")
            #expect(stored.version == 6)
            #expect(Set(stored.settings.files.map(\.name)).isSuperset(of: (0..<6).map { "file-\($0)" }))
        }
    }
}

extension StoreContractTests {
    /// Edits change only the fields they name, on the settings current at the save: two users
    /// editing different fields of one item at once both keep their change; a rename replaces
    /// the item; an edit of a missing item, or one that mixes registry and file fields, stores nothing.
    @Test(arguments: StoreKind.available) func editsChangeTheirFieldsOnTheCurrentSettings(kind: StoreKind)
        async throws
    {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            let configuration = TrackingConfiguration(store: store, now: { Self.now })
            let hosts = TrackedFile(name: "hosts", os: .linux, path: "/etc/hosts")
            #expect(
                try await configuration.apply(ConfigurationRequest(files: [hosts]), jobId: nil, sink: DiscardingSink()))
            let edits = [
                TrackedItemEdit(name: "hosts", enabled: false), TrackedItemEdit(name: "hosts", group: "Network"),
                TrackedItemEdit(name: "hosts", uploadContent: true),
            ]
            let applied = try await withThrowingTaskGroup(of: Bool.self) { group in
                for edit in edits {
                    group.addTask {
                        try await configuration.apply(
                            ConfigurationRequest(edits: [edit]), jobId: nil, sink: DiscardingSink())
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(applied == [true, true, true])
            var stored = try await store.trackingSettings(account: "ops").settings.files
            #expect(stored.count == 1)
            #expect(
                stored.first?.enabled == false && stored.first?.group == "Network"
                    && stored.first?.uploadContent == true)

            #expect(
                try await configuration.apply(
                    ConfigurationRequest(edits: [TrackedItemEdit(name: "hosts", rename: "etc-hosts")]), jobId: nil,
                    sink: DiscardingSink()))
            stored = try await store.trackingSettings(account: "ops").settings.files
            #expect(stored.map(\.name) == ["etc-hosts"])
            #expect(stored.first?.group == "Network")

            let version = try await store.trackingSettings(account: "ops").version
            let sink = CollectingLines()
            let refused = try await configuration.apply(
                ConfigurationRequest(edits: [
                    TrackedItemEdit(name: "etc-host", enabled: true), TrackedItemEdit(name: "etc-hosts", key: "HKEY_X"),
                ]), jobId: nil, sink: sink)
            #expect(!refused)
            let lines = await sink.lines
            #expect(lines.contains { $0.contains("no tracked item named 'etc-host'") && $0.contains("etc-hosts") })
            #expect(lines.contains { $0.contains("'etc-hosts' is a file item") })
            #expect(try await store.trackingSettings(account: "ops").version == version)
        }
    }
}

/// A stream sink that keeps the lines it is given.
actor CollectingLines: StreamSink {
    var lines: [String] = []
    func write(_ kind: StreamKind, _ message: String) async { lines.append(message) }
}

/// A stream sink that keeps nothing.
struct DiscardingSink: StreamSink {
    func write(_ kind: StreamKind, _ message: String) async {}
}

extension StoreContractTests {
    /// Two items of one type and key in one scan (a package installed for two architectures):
    /// the last is the snapshot's row on every store, and both changes are recorded.
    @Test(arguments: StoreKind.available) func aKeyTwiceInOneScanKeepsTheLast(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            try await store.registerMachine(try Self.machine("web1"), replace: false, at: now)
            let changes = ["1.0 amd64", "1.0 i386"].map { version in
                ItemChange(
                    type: .software, key: "libc6", category: .added, fieldsChanged: [],
                    current: ["CurrentVersion": version], previous: [:])
            }
            let record = ScanRecord(
                machine: "web1", changes: changes, recordChanges: true, fileIndex: nil, startedAt: now, endedAt: now,
                jobId: nil, expectedScans: 0)
            #expect(try await store.commitScan(record, proceed: { true }) == .committed)
            #expect(
                try await store.snapshot(machine: "web1", files: []).map(\.fields) == [["CurrentVersion": "1.0 i386"]])
            #expect(try await store.changes(ChangeFilter()).count == 2)
        }
    }
}
