import Automation
import Foundation
import GRDB
import Synchronization
import Testing

@testable import AutomationStore

/// Rows edited by hand, text holding NUL, and what recovery says: a real SQLite file in a
/// temporary folder (issue 8, items 6 and 14).
@Suite struct HostileStoreTests {
    let folder = NSTemporaryDirectory() + "runbook-hostile-" + UUID().uuidString
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let reports = Reports()

    /// What the store reported, in order.
    final class Reports: Sendable {
        let rows = Mutex<[UnreadableRow]>([])
    }

    func open() throws -> AutomationStore {
        let reports = reports
        return try AutomationStore.open(folder: folder) { row in reports.rows.withLock { $0.append(row) } }
    }

    func reported() -> [UnreadableRow] { reports.rows.withLock { $0 } }

    func job(_ id: String, status: JobStatus = .completed, at date: Date) -> Job {
        Job(
            id: id, runbookName: "r", runbookDigest: String(repeating: "a", count: 64), runbookContent: "name: r",
            parameters: ["machines": .list([.string("m1")])], startReason: .manual, accountName: nil, status: status,
            createdAt: date, logVerbose: false, logProgress: false, restartLimit: 0)
    }

    func tamper(_ store: AutomationStore, _ sql: String) throws {
        try store.writer.write { db in try db.execute(sql: sql) }
    }

    /// The pid of a process that has exited.
    func deadPid() throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return Int(process.processIdentifier)
    }

    @Test func anOwnerPidThatIsNotANumberIsReportedAndRecoveryGoesOn() throws {
        let store = try open()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let dead = JobOwner(pid: try deadPid(), host: JobOwner.current.host)
        try store.createJob(job("tampered", status: .running, at: now), owner: dead)
        try store.createJob(job("orphan", status: .running, at: now), owner: dead)
        try tamper(store, "UPDATE job SET ownerPid = 'abc' WHERE id = 'tampered'")
        #expect(try store.recoverOrphanedJobs(at: now) == [RecoveredJob(id: "orphan", status: .failed)])
        #expect(reported().map(\.key) == ["tampered"])
        #expect(reported().first?.problem.contains("ownerPid holds 'abc'") == true)
        // Every other read of the store still works, and the tampered row says what is wrong.
        #expect(try store.jobs(JobFilter()).map(\.id) == ["orphan"])
        #expect(throws: StoreError.self) { try store.job("tampered") }
    }

    @Test(arguments: [
        ("createdAt", "'garbage'", "createdAt holds 'garbage'"),
        ("createdAt", "1e300", "createdAt holds 1e+300"),
        ("parameters", "'{oops'", "parameters is not a JSON object"),
        ("logVerbose", "'maybe'", "logVerbose holds 'maybe'"),
        ("checkpointStep", "'two'", "checkpointStep holds 'two'"),
        ("targets", "'[1,'", "targets is not a JSON list"),
    ])
    func aBadColumnHidesOnlyItsOwnJob(_ column: String, _ value: String, _ problem: String) throws {
        let store = try open()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for (index, id) in ["first", "bad", "last"].enumerated() {
            try store.createJob(job(id, at: now.addingTimeInterval(Double(index))))
        }
        try tamper(store, "UPDATE job SET \(column) = \(value) WHERE id = 'bad'")
        #expect(try store.jobs(JobFilter()).map(\.id) == ["last", "first"])
        #expect(reported().count == 1)
        #expect(reported().first?.key == "bad")
        #expect(reported().first?.problem.contains(problem) == true)
        let error = #expect(throws: StoreError.self) { try store.job("bad") }
        #expect(error?.description.contains(problem) == true)
        #expect(try store.job("first")?.id == "first")
    }

    @Test func badStreamAndHistoryEntriesAreSkippedNotFatal() throws {
        let store = try open()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try store.createJob(job("j", status: .new, at: now))
        try store.transition(job: "j", to: .running, at: now)
        try store.appendStream(job: "j", [(.output, now, "one"), (.output, now, "two")])
        try tamper(store, "UPDATE jobStream SET at = 'never' WHERE seq = 1")
        try tamper(store, "UPDATE jobStatus SET at = x'00ff' WHERE seq = 2")
        #expect(try store.streams(job: "j").map(\.message) == ["two"])
        #expect(try store.statusHistory(job: "j").map(\.status) == [.new])
        #expect(reported().map(\.table) == ["jobStream", "jobStatus"])
    }

    @Test func unreadableMachinesAccountsGatewaysAndSchedulesAreSkipped() throws {
        let store = try open()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let workspace = Workspace(name: "logs", subscription: "s", resourceGroup: "g", region: Region.named("EastUS"))
        for name in ["a1", "a2"] {
            let account = Account(
                name: name, subscription: "s", resourceGroup: "g", region: Region.named("EastUS2"), workspace: "logs")
            try store.createAccount(account, workspace: workspace, makeDefault: false, at: now)
        }
        for name in ["m1", "m2"] {
            try store.registerMachine(
                Machine(
                    name: name, os: OperatingSystem.named("Ubuntu 22.04"), subscription: "s", resourceGroup: "g",
                    location: Region.named("EastUS2"), network: MachineNetwork(rules: AzureEndpoints.directRules),
                    source: .local), at: now)
        }
        for name in ["g1", "g2"] { try store.saveGateway(Gateway(name: name, rules: [])) }
        try tamper(store, "UPDATE account SET createdAt = 'soon' WHERE name = 'a1'")
        try tamper(store, "UPDATE machine SET tags = '{' WHERE name = 'm1'")
        try tamper(store, "UPDATE gateway SET rules = 'none' WHERE name = 'g1'")
        #expect(try store.accounts().map(\.account.name) == ["a2"])
        #expect(try store.machines().map(\.machine.name) == ["m2"])
        #expect(try store.gateways().map(\.name) == ["g2"])
        #expect(reported().map(\.key) == ["a1", "m1", "g1"])
        #expect(throws: StoreError.self) { try store.machine(named: "m1") }
        #expect(throws: StoreError.self) { try store.account(named: "a1") }
    }

    @Test func aNULInALogMessageIsStoredAndReadBackWhole() throws {
        let store = try open()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try store.createJob(job("j", status: .running, at: now))
        let message = "before\u{0}after"
        try store.appendStream(job: "j", [(.output, now, message), (.output, now, "plain")])
        try store.transition(job: "j", to: .failed, at: now, exception: "step failed: \(message)")
        #expect(try store.streams(job: "j").map(\.message) == [message, "plain"])
        #expect(try store.job("j")?.exception == "step failed: \(message)")
        #expect(try store.streamUsage(job: "j")[.output]?.bytes == message.utf8.count + 5)
        // A fresh connection reads the same bytes: nothing was cut when it was written.
        let again = try AutomationStore.open(folder: folder)
        #expect(try again.streams(job: "j").first?.message == message)
    }

    /// It ends when recovery marks it (issue 21, item 5): a long step writes nothing, so its last
    /// record says little about when it stopped; the exception says what was found.
    @Test func aRecoveredJobEndsWhenItIsMarkedEnded() throws {
        let store = try open()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let dead = JobOwner(pid: try deadPid(), host: JobOwner.current.host)
        try store.createJob(job("j", status: .new, at: now), owner: dead)
        try store.transition(job: "j", to: .running, at: now.addingTimeInterval(10))
        try store.appendStream(job: "j", [(.output, now.addingTimeInterval(25), "last words")])
        let recovery = now.addingTimeInterval(27.5)
        #expect(try store.recoverOrphanedJobs(at: recovery) == [RecoveredJob(id: "j", status: .failed)])
        let recovered = try #require(try store.job("j"))
        #expect(recovered.endedAt == recovery)
        #expect(recovered.duration(now: recovery) == 17.5)
        // The timeline still says when recovery happened.
        #expect(try store.statusHistory(job: "j").last == JobStatusChange(status: .failed, at: recovery))
    }

    @Test func aRecoveredJobSaysWhichScanChangesItCommitted() throws {
        let store = try open()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let dead = JobOwner(pid: try deadPid(), host: JobOwner.current.host)
        try store.createJob(job("j", status: .running, at: now), owner: dead)
        try store.writer.write { db in
            for (computer, key) in [("m1", "/etc/a"), ("m1", "/etc/b"), ("m2", "/etc/c")] {
                try db.execute(
                    sql: """
                        INSERT INTO configurationChange (computer, timeGenerated, configChangeType, changeCategory,
                            itemKey, fieldsChanged, current, previous, jobId)
                        VALUES (?, ?, 'Files', 'Added', ?, '', '', '', 'j')
                        """, arguments: [computer, now.addingTimeInterval(5), key])
            }
        }
        _ = try store.recoverOrphanedJobs(at: now.addingTimeInterval(60))
        let recovered = try #require(try store.job("j"))
        #expect(recovered.status == .failed)
        #expect(
            recovered.exception?.hasSuffix(
                "marked Failed by recovery; before that it had committed: the scan of machine 'm1' committed 2 "
                    + "change(s), the scan of machine 'm2' committed 1 change(s)") == true)
        #expect(recovered.endedAt == now.addingTimeInterval(60))
    }

    @Test func migrationsRunOnceWhenManyConnectionsOpenANewStoreTogether() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let folder = folder
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { _ = try AutomationStore.open(folder: folder) }
            }
            try await group.waitForAll()
        }
        #expect(try AutomationStore.open(folder: folder).integrityCheck() == "ok")
    }
}
