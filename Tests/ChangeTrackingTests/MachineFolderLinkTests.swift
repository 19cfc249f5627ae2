import Automation
import AutomationService
import AutomationStore
import Foundation
import Logging
import Testing

@testable import ChangeTracking
@testable import RunbookEngine

/// Findings after issue 8 (F2): a machine folder that is itself a symbolic link
/// (`ln -s /etc machines/contoso-lnx01`) was followed, and `uploadContent` stored the host's
/// files. The folder's last component is opened without following links; folders above it
/// (the operator's own layout) may be links.
@Suite struct MachineFolderLinkTests {
    static let secret = "HOST SECRET\n"
    let tree: TestTree
    let store: AutomationStore

    init() async throws {
        tree = try TestTree()
        try tree.copy(Repository.root + "/examples/contoso", to: "contoso")
        try tree.write("host/shadow", Self.secret)
        try tree.write("host/C/shadow", Self.secret)
        store = try AutomationStore.open(folder: tree.path("store"))
        _ = try store.apply(try AutomationFile.load(path: tree.path("contoso/automation.yaml")), at: Date())
        let runner = JobRunner(store: store, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let library = RunbookLibrary(folder: Repository.root + "/runbooks")
        let enabled = try await runner.run(try JobRunner.prepare(try library.load("enable-tracking"), parameters: [:]))
        #expect(enabled.status == .completed)
        let settings = TrackingSettings(files: [
            TrackedFile(name: "shadow", os: .linux, path: "/shadow", uploadContent: true),
            TrackedFile(name: "winshadow", os: .windows, path: #"C:\shadow"#, uploadContent: true),
        ])
        _ = try store.saveTrackingSettings(settings, account: "contoso-automation", jobId: nil, at: Date())
    }

    /// Replaces the machine's folder with a link to the host folder holding the secret.
    func linkMachineFolder(_ machine: String) throws -> String {
        let folder = tree.path("contoso/machines/\(machine)")
        try FileManager.default.removeItem(atPath: folder)
        try tree.link("contoso/machines/\(machine)", to: tree.path("host"))
        return folder
    }

    func scan(_ machine: String) async throws -> (ScanOutcome, [String]) {
        let account = try #require(try store.account(namedOrDefault: nil))
        let machines = try store.machines().filter { $0.machine.name == machine }
        let sink = CollectingSink()
        let outcome = try await Scanner(store: store, now: { Date() })
            .scan(machines, account: account, jobId: nil, sink: sink, stopped: OnceFlag())
        return (outcome, sink.lines.withLock { $0 })
    }

    func expectNothingFromTheHost(_ machine: String) throws {
        let checksum = ContentDigest.sha256Hex(Array(Self.secret.utf8))
        let content = Data(Self.secret.utf8).base64EncodedString()
        for item in try store.snapshot(machine: machine) {
            #expect(item.fields["FileContentChecksum"] != checksum, "\(item.key) was read from the host")
            #expect(item.fields["FileContent"] != content, "\(item.key) was read from the host")
        }
    }

    @Test(arguments: ["contoso-lnx01", "contoso-web01"])
    func aSymlinkedMachineFolderFailsTheScanAndReadsNothing(machine: String) async throws {
        let folder = try linkMachineFolder(machine)
        let (outcome, lines) = try await scan(machine)
        #expect(outcome.failed == [machine])
        #expect(outcome.scanned.isEmpty)
        #expect(
            lines.contains(
                "\(machine): machine folder \(folder) is a symbolic link; register the folder it points to, "
                    + "or replace the link with that folder (a machine's folder is never reached through a link)"))
        #expect(try store.snapshot(machine: machine).isEmpty)
        try expectNothingFromTheHost(machine)
    }

    @Test func aLinkWithATrailingSlashIsStillRefused() throws {
        let folder = try linkMachineFolder("contoso-lnx01")
        #expect(throws: FileProblem.machineFolderIsLink(folder + "/")) { try MachineRoot(path: folder + "/") }
        #expect(throws: FileProblem.notAFolderName(folder + "/.")) { try MachineRoot(path: folder + "/.") }
    }

    /// `/home -> /data/home` is the operator's layout: a link above the machine folder is fine.
    @Test func aLinkAboveTheMachineFolderIsFollowed() async throws {
        try tree.link("alias", to: tree.path("contoso/machines"))
        let root = try MachineRoot(path: tree.path("alias/contoso-lnx01"))
        #expect(try root.lstat(MachinePath(segments: ["etc"])).get().st_mode & S_IFMT == S_IFDIR)
        #expect(throws: Never.self) { try MachineRoot(path: "/") }
    }
}
