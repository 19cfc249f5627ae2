import Automation
import AutomationService
import AutomationStore
import Foundation
import Logging
import Synchronization
import Testing

@testable import ChangeTracking
@testable import RunbookEngine

/// Collects what a scan says.
final class CollectingSink: StreamSink {
    let lines = Mutex<[String]>([])
    func write(_ kind: StreamKind, _ message: String) async { lines.withLock { $0.append(message) } }
}

/// When a scan commits: never after a stop, and once per change however many scans of one
/// machine overlap (issue 8, items 10 and 12). A real SQLite file, real machine folders.
@Suite struct ScanCommitTests {
    let tree: TestTree
    let store: AutomationStore
    static let files = 400  // under the azure profile's 500-file cap
    static let machine = "contoso-lnx01"

    init() async throws {
        tree = try TestTree()
        try tree.copy(Repository.root + "/examples/contoso", to: "contoso")
        store = try AutomationStore.open(folder: tree.path("store"))
        _ = try store.apply(try AutomationFile.load(path: tree.path("contoso/automation.yaml")), at: Date())
        let runner = JobRunner(store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let library = RunbookLibrary(folder: Repository.root + "/runbooks")
        let enabled = try await runner.run(try JobRunner.prepare(try library.load("enable-tracking"), parameters: [:]))
        #expect(enabled.status == .completed)
        for index in 0..<Self.files { try tree.write(data(index), "version 1 of \(index)\n") }
        let settings = TrackingSettings(files: [
            TrackedFile(name: "data", os: .linux, path: "/srv/data", pathType: .folder, recurse: true)
        ])
        _ = try store.saveTrackingSettings(settings, account: "contoso-automation", jobId: nil, at: Date())
    }

    func data(_ index: Int) -> String { "contoso/machines/\(Self.machine)/srv/data/f\(index).conf" }

    func scan(_ hooks: ScanHooks = ScanHooks(), stopped: OnceFlag = OnceFlag()) async throws -> ScanOutcome {
        try await Self.scan(store, hooks, stopped: stopped)
    }

    static func scan(_ store: AutomationStore, _ hooks: ScanHooks = ScanHooks(), stopped: OnceFlag = OnceFlag())
        async throws -> ScanOutcome
    {
        let account = try #require(try store.account(namedOrDefault: nil))
        let machines = try store.machines().filter { $0.machine.name == Self.machine }
        var scanner = Scanner(store: store, now: { Date() })
        scanner.hooks = hooks
        return try await scanner.scan(machines, account: account, jobId: nil, sink: CollectingSink(), stopped: stopped)
    }

    func changeAll() throws {
        for index in 0..<Self.files { try tree.write(data(index), "version 2 of \(index), longer\n") }
    }

    func fileChanges() throws -> Int { try store.changes(ChangeFilter(type: .files)).count }

    @Test func aStopWhileHashingCommitsNothing() async throws {
        let stopped = OnceFlag()
        let outcome = try await scan(ScanHooks(beforeHashing: { stopped.set() }), stopped: stopped)
        #expect(outcome.failed == [Self.machine])
        #expect(try store.lastScan(machine: Self.machine) == nil)
        #expect(try store.snapshot(machine: Self.machine).isEmpty)
    }

    @Test func aStopJustBeforeTheCommitCommitsNothing() async throws {
        #expect(try await scan().scanned == [Self.machine])  // the baseline
        try changeAll()
        let stopped = OnceFlag()
        let outcome = try await scan(ScanHooks(beforeCommit: { stopped.set() }), stopped: stopped)
        #expect(outcome.failed == [Self.machine])
        #expect(try store.lastScan(machine: Self.machine)?.scans == 1)
        #expect(try fileChanges() == 0)
    }

    @Test func aStopDuringTheCommitTransactionRollsItBack() async throws {
        try store.commitScan(
            machine: Self.machine, changes: [], recordChanges: false, fileIndex: [:], startedAt: Date(),
            endedAt: Date(), jobId: nil)
        let change = ItemChange(
            type: .files, key: "/x", category: .added, fieldsChanged: [], current: ["Size": "1"], previous: [:])
        let result = try store.commitScan(
            machine: Self.machine, changes: [change], recordChanges: true, fileIndex: [:], startedAt: Date(),
            endedAt: Date(), jobId: nil, expectedScans: 1, proceed: { false })
        #expect(result == .stopped)
        #expect(try store.lastScan(machine: Self.machine)?.scans == 1)
        #expect(try store.snapshot(machine: Self.machine).isEmpty)
        #expect(try store.changes(ChangeFilter()).isEmpty)
    }

    @Test func aScanThatCommittedFirstIsDiffedAgainstNotRecordedTwice() async throws {
        #expect(try await scan().scanned == [Self.machine])
        try changeAll()
        // Deterministic overlap: the second scan runs to its end between the first one's
        // diff and its commit.
        let store = store
        let overlapped = OnceFlag()
        let outcome = try await scan(
            ScanHooks(beforeCommit: {
                guard !overlapped.isSet else { return }  // once: the retry then commits
                overlapped.set()
                _ = try? await Self.scan(store)
            }))
        #expect(outcome.scanned == [Self.machine])
        #expect(outcome.changes == 0)
        #expect(try fileChanges() == Self.files)
        #expect(try store.lastScan(machine: Self.machine)?.scans == 3)
    }

    @Test func threeConcurrentScansRecordEachChangeOnce() async throws {
        #expect(try await scan().scanned == [Self.machine])
        try changeAll()
        let store = store
        let outcomes = try await withThrowingTaskGroup(of: ScanOutcome.self) { group in
            for _ in 0..<3 { group.addTask { try await Self.scan(store) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.allSatisfy { $0.scanned == [Self.machine] })
        #expect(outcomes.map(\.changes).reduce(0, +) == Self.files)
        #expect(try fileChanges() == Self.files)
    }
}
