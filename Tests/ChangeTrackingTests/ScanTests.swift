import Automation
import AutomationService
import AutomationStore
import Foundation
import GRDB
import Logging
import Testing

@testable import ChangeTracking
@testable import RunbookEngine

/// Scans through the engine, on copies of the Contoso machines in a temporary folder.
@Suite struct ScanTests {
    let tree: TestTree
    let store: AutomationStore
    let runner: JobRunner
    let library = RunbookLibrary(folder: Repository.root + "/runbooks")

    init() throws {
        tree = try TestTree()
        try tree.copy(Repository.root + "/examples/contoso", to: "contoso")
        store = try AutomationStore.open(folder: tree.path("store"))
        _ = try store.apply(try AutomationFile.load(path: tree.path("contoso/automation.yaml")), at: Date())
        runner = JobRunner(store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    func run(_ name: String, _ parameters: [String: String] = [:]) async throws -> Job {
        try await runner.run(try JobRunner.prepare(try library.load(name), parameters: parameters))
    }

    func changes() throws -> [String] {
        try store.changes(ChangeFilter()).map {
            "\($0.computer) \($0.change.type.rawValue) \($0.change.category.rawValue) \($0.change.key) "
                + "[\($0.change.fieldsChanged.joined(separator: ","))]"
        }.sorted()
    }

    @Test func theReadmeDemonstrationShowsExactlyTheChangesMade() async throws {
        #expect(try await run("enable-tracking").status == .completed)
        #expect(try await run("configure-tracking").status == .completed)
        let baseline = try await run("scan")
        #expect(baseline.status == .completed)
        #expect(try changes().isEmpty)  // a first scan is a baseline
        #expect(try store.inventory(machine: "contoso-web01", type: .windowsServices).count == 4)

        let machines = tree.path("contoso/machines")
        let states = machines + "/contoso-web01/services-state.txt"
        try (try String(contentsOfFile: states, encoding: .utf8)).replacingOccurrences(
            of: "W3SVC=Running", with: "W3SVC=Stopped"
        )
        .write(toFile: states, atomically: false, encoding: .utf8)
        let hosts = FileHandle(forWritingAtPath: machines + "/contoso-lnx01/etc/hosts")
        _ = try hosts?.seekToEnd()
        try hosts?.write(contentsOf: Data("10.0.9.9 rogue.example\n".utf8))
        try hosts?.close()
        let status = FileHandle(forWritingAtPath: machines + "/contoso-lnx01/var/lib/dpkg/status")
        _ = try status?.seekToEnd()
        try status?.write(
            contentsOf: Data(
                "\nPackage: htop\nStatus: install ok installed\nVersion: 3.0.5-7build2\nArchitecture: amd64\n".utf8))
        try status?.close()

        let second = try await run("scan", ["failOnChangesUnder": "/etc/"])
        #expect(second.status == .failed)  // the drift gate saw /etc/hosts
        #expect(second.exception == "step 'scan' failed: 1 matching change(s) found (found by this scan under /etc/)")
        let recorded = try changes()
        #expect(recorded.count == 3)
        #expect(
            recorded[0] == "contoso-lnx01 Files Modified /etc/hosts [DateModified,FileContentChecksum,Size]"
                || recorded[0] == "contoso-lnx01 Files Modified /etc/hosts [FileContentChecksum,Size]")
        #expect(recorded[1] == "contoso-lnx01 Software Added htop []")
        #expect(recorded[2] == "contoso-web01 WindowsServices Modified W3SVC [SvcState]")
        let service = try #require(try store.changes(ChangeFilter(type: .windowsServices)).first)
        #expect(service.change.svcChangeType == "State")
        #expect(service.change.previous["SvcState"] == "Running")
        #expect(service.change.current["SvcState"] == "Stopped")

        let third = try await run("scan")
        #expect(third.status == .completed)
        #expect(try changes().count == 3)  // nothing new

        // Without failOnChangesUnder the gate is off: changes are recorded and the job completes.
        try "127.0.0.1 localhost\n".write(
            toFile: machines + "/contoso-lnx01/etc/hosts", atomically: false, encoding: .utf8)
        let ungated = try await run("scan")
        #expect(ungated.status == .completed)
        #expect(try changes().count == 4)
    }

    @Test func unknownEnvironmentVariableFailsThatMachineAndKeepsItsSnapshot() async throws {
        #expect(try await run("enable-tracking").status == .completed)
        #expect(try await run("configure-tracking").status == .completed)
        #expect(try await run("scan").status == .completed)
        let before = try store.snapshot(machine: "contoso-web01")
        let environment = tree.path("contoso/machines/contoso-web01/environment.txt")
        try "SystemRoot=C:\\Windows\n".write(toFile: environment, atomically: false, encoding: .utf8)
        let job = try await run("scan")
        #expect(job.status == .failed)
        let errors = try store.streams(job: job.id, kind: .error).map(\.message)
        #expect(
            errors.first?.hasPrefix("machine 'contoso-web01': environment variable %winDir% in '%winDir%") == true,
            "\(errors)")
        #expect(errors.contains("contoso-web01: scan failed; the previous snapshot is kept"))
        #expect(try store.snapshot(machine: "contoso-web01") == before)
        #expect(try changes().isEmpty)
    }

    @Test func anInterruptedScanCommitsNothingAndTheJobStops() async throws {
        #expect(try await run("enable-tracking").status == .completed)
        let prepared = try JobRunner.prepare(try library.load("scan"), parameters: [:])
        let runner = runner
        let interrupted = Task {
            withUnsafeCurrentTask { $0?.cancel() }  // as Ctrl-C on `runbook run` would
            return try await runner.run(prepared)
        }
        let job = try await interrupted.value
        #expect(job.status == .stopped)
        #expect(try store.lastScan(machine: "contoso-lnx01") == nil)
        #expect(try store.snapshot(machine: "contoso-lnx01").isEmpty)
    }

    @Test func disabledMachineIsSkippedWithAWarning() async throws {
        #expect(try await run("enable-tracking", ["machines": "contoso-web01"]).status == .completed)
        let job = try await run("scan")
        let warnings = try store.streams(job: job.id, kind: .warning).map(\.message)
        #expect(warnings.contains("contoso-lnx01: tracking is not enabled; skipped (run enable-tracking first)"))
        #expect(try store.lastScan(machine: "contoso-lnx01") == nil)
        #expect(try store.lastScan(machine: "contoso-web01")?.scans == 1)
    }

    @Test func aCommitThatFailsHalfWayLeavesThePreviousSnapshot() async throws {
        #expect(try await run("enable-tracking").status == .completed)
        #expect(try await run("scan").status == .completed)
        let before = try store.snapshot(machine: "contoso-lnx01")
        let items = before.filter { $0.type != .software }
        let changes = SnapshotDiff.changes(previous: before, current: items)
        #expect(!changes.isEmpty)
        // Stand-in for a crash mid-commit: the database refuses the change rows.
        let writer = try DatabaseQueue(path: tree.path("store/automation.sqlite"))
        try await writer.write { db in
            try db.execute(
                sql:
                    "CREATE TRIGGER refuse BEFORE INSERT ON configurationChange BEGIN SELECT RAISE(ABORT, 'crash'); END"
            )
        }
        #expect(throws: DatabaseError.self) {
            try store.commitScan(
                machine: "contoso-lnx01", changes: changes, recordChanges: true, fileIndex: [:],
                startedAt: Date(), endedAt: Date(), jobId: nil)
        }
        #expect(try store.snapshot(machine: "contoso-lnx01") == before)
        #expect(try store.lastScan(machine: "contoso-lnx01")?.scans == 1)
    }

    @Test func configureTrackingRefusesWhatAzureDoesNot() async throws {
        let runbook = try RunbookLoader.parse(
            Array(
                """
                name: bad-settings
                steps:
                  - name: configure
                    action: configure-tracking
                    with:
                      files:
                        - { name: mid, os: linux, path: "/etc/*/x.conf" }
                        - { name: exe, os: windows, path: "C:\\\\Tools\\\\agent.exe" }
                      registry:
                        - { name: deep, key: "HKEY_LOCAL_MACHINE\\\\SOFTWARE", recurse: true }
                """.utf8), label: "bad-settings.yaml")
        let loaded = LoadedRunbook(runbook: runbook, path: "x", content: "x", digest: String(repeating: "0", count: 64))
        let job = try await runner.run(try JobRunner.prepare(loaded, parameters: [:]))
        #expect(job.status == .failed)
        let errors = try store.streams(job: job.id, kind: .error).map(\.message)
        #expect(errors.count == 3)
        #expect(errors[1].contains("Azure Change Tracking does not track .exe files"))
        #expect(try store.trackingSettings(account: "contoso-automation").version == 0)
    }

    @Test func snapshotDiffIsOneOrderedMerge() {
        func item(_ type: ConfigType, _ key: String, _ value: String) -> InventoryItem {
            InventoryItem(type: type, key: key, fields: ["v": value])
        }
        let before = [item(.files, "/a", "1"), item(.files, "/b", "1"), item(.software, "x", "1")]
        let after = [item(.files, "/b", "2"), item(.files, "/c", "1"), item(.software, "x", "1")]
        let changes = SnapshotDiff.changes(previous: before, current: after)
        #expect(changes.map { "\($0.key) \($0.category.rawValue)" } == ["/a Removed", "/b Modified", "/c Added"])
        #expect(changes[1].fieldsChanged == ["v"])
    }
}
