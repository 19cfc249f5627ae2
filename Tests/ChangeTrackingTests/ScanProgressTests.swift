import Automation
import AutomationService
import AutomationStore
import Foundation
import Logging
import Synchronization
import Testing

@testable import ChangeTracking
@testable import RunbookEngine

/// What a scan reports of its progress (issue 9, item 6): counted from the walking and hashing
/// threads, reported every `filesPerReport` files and at each phase, ended by `finished`; and
/// carried from the job runner to its caller without entering the job's streams.
@Suite struct ScanProgressTests {
    let tree: TestTree
    let store: AutomationStore
    static let files = 400  // under the azure profile's 500-file cap, over one report's worth
    static let machine = "contoso-lnx01"

    init() async throws {
        tree = try TestTree()
        try tree.copy(Repository.root + "/examples/contoso", to: "contoso")
        store = try AutomationStore.open(folder: tree.path("store"))
        _ = try store.apply(try AutomationFile.load(path: tree.path("contoso/automation.yaml")), at: Date())
        let library = RunbookLibrary(folder: Repository.root + "/runbooks")
        let enabled = try await runner.run(try JobRunner.prepare(try library.load("enable-tracking"), parameters: [:]))
        #expect(enabled.status == .completed)
        for index in 0..<Self.files {
            try tree.write("contoso/machines/\(Self.machine)/srv/data/f\(index).conf", "version 1 of \(index)\n")
        }
        let settings = TrackingSettings(files: [
            TrackedFile(name: "data", os: .linux, path: "/srv/data", pathType: .folder, recurse: true)
        ])
        _ = try store.saveTrackingSettings(settings, account: "contoso-automation", jobId: nil, at: Date())
    }

    var runner: JobRunner {
        JobRunner(store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    static var bytes: Int64 { (0..<files).reduce(0) { $0 + Int64("version 1 of \($1)\n".utf8.count) } }

    @Test func aScanReportsWalkingHashingAndTheEnd() async throws {
        let reports = Mutex<[ScanProgress]>([])
        let account = try #require(try store.account(namedOrDefault: nil))
        let machines = try store.machines().filter { $0.machine.name == Self.machine }
        let outcome = try await Scanner(store: store, now: { Date() })
            .scan(machines, account: account, jobId: nil, sink: CollectingSink()) { progress in
                reports.withLock { $0.append(progress) }
            }
        #expect(outcome.scanned == [Self.machine])
        let seen = reports.withLock { $0 }
        #expect(seen.first == ScanProgress(machine: Self.machine, machinesDone: 0, machinesTotal: 1))
        #expect(seen.last == ScanProgress(machinesDone: 1, machinesTotal: 1, finished: true))
        // The walk runs on one thread: its reports fall exactly on every 256th file.
        #expect(seen.filter { !$0.hashing && $0.filesWalked > 0 }.map(\.filesWalked) == [256])
        let hashingStarts = seen.first { $0.hashing }
        #expect(
            hashingStarts
                == ScanProgress(
                    machine: Self.machine, machinesTotal: 1, filesWalked: Self.files, filesToHash: Self.files,
                    bytesToHash: Self.bytes))
        #expect(seen.contains { $0.filesHashed >= 256 && !$0.finished })
        // Hashing done, the machine's changes are stored: the report before the last says so.
        #expect(
            seen.dropLast().last
                == ScanProgress(
                    machine: Self.machine, machinesTotal: 1, filesWalked: Self.files, filesToHash: Self.files,
                    filesHashed: Self.files, bytesToHash: Self.bytes, bytesHashed: Self.bytes, storing: true))
        #expect(seen.filter(\.finished).count == 1)
    }

    @Test func theRunnerPassesProgressOnAndStoresNoneOfIt() async throws {
        let reports = Mutex<[ScanProgress]>([])
        let library = RunbookLibrary(folder: Repository.root + "/runbooks")
        let prepared = try JobRunner.prepare(
            try library.load("scan"), parameters: ["machines": Self.machine])
        let job = try await runner.run(prepared, progress: { progress in reports.withLock { $0.append(progress) } })
        #expect(job.status == .completed)
        let seen = reports.withLock { $0 }
        #expect(seen.contains { $0.machine == Self.machine && $0.filesToHash == Self.files })
        #expect(seen.last?.finished == true)
        let streams = try store.streams(job: job.id).map(\.message)
        #expect(streams.contains { $0.contains("baseline of") })
        #expect(!streams.contains { $0.contains("walked") })
    }
}
