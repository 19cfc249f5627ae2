import Automation
import Foundation
import GRDB
import Testing

@testable import AutomationStore

/// Runs against a real SQLite file in a temporary folder.
@Suite struct StoreTests {
    let folder = NSTemporaryDirectory() + "runbook-store-" + UUID().uuidString
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    var account: Account {
        Account(
            name: "acct", subscription: "s1", resourceGroup: "g", region: Region.named("EastUS2"), workspace: "logs")
    }
    var workspace: Workspace {
        Workspace(name: "logs", subscription: "s1", resourceGroup: "g", region: Region.named("EastUS"))
    }

    func machine(_ name: String, os: String = "Ubuntu 22.04") -> Machine {
        Machine(
            name: name, os: OperatingSystem.named(os), subscription: "s1", resourceGroup: "g",
            location: Region.named("EastUS2"),
            tags: ["env": "prod"], network: MachineNetwork(rules: AzureEndpoints.directRules), source: .local)
    }

    func job(_ id: String, at date: Date) -> Job {
        Job(
            id: id, runbookName: "enable-tracking", runbookDigest: String(repeating: "a", count: 64),
            runbookContent: "name: x", parameters: ["machines": .list([.string("m1")])], startReason: .manual,
            accountName: "acct", createdAt: date, logVerbose: false, logProgress: false)
    }

    @Test func storeFileUsesWALAndForeignKeys() throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mode = try store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let keys = try store.writer.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(keys == 1)
        #expect(FileManager.default.fileExists(atPath: folder + "/automation.sqlite"))
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func accountsLinkAndDefault() throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try store.createAccount(account, workspace: workspace, makeDefault: false, at: now)
        #expect(try store.defaultAccount()?.account == account)
        var second = account
        second.name = "other"
        try store.createAccount(second, workspace: workspace, makeDefault: true, at: now)
        #expect(try store.defaultAccount()?.account.name == "other")
        #expect(try store.accounts().filter(\.isDefault).count == 1)
        #expect(throws: StoreError.self) {
            try store.createAccount(account, workspace: workspace, makeDefault: false, at: now)
        }
    }

    @Test func refusedLinkStoresNothing() throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var bad = account
        bad.region = Region.named("WestUS")
        #expect(throws: StoreError.self) {
            try store.createAccount(bad, workspace: workspace, makeDefault: true, at: now)
        }
        #expect(try store.accounts().isEmpty)
        #expect(try store.workspace(named: "logs") == nil)
    }

    @Test func machinesRoundTripAndTrackingState() throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try store.createAccount(account, workspace: workspace, makeDefault: true, at: now)
        try store.registerMachine(machine("m1"), at: now)
        #expect(throws: StoreError.self) { try store.registerMachine(machine("m1"), at: now) }
        #expect(try store.machine(named: "m1")?.machine == machine("m1"))
        try store.enable([.changeTracking, .inventory], on: ["m1"], account: "acct", jobId: nil, at: now)
        #expect(
            try store.machine(named: "m1")?.solutions.keys.sorted { $0.rawValue < $1.rawValue } == [
                .changeTracking, .inventory,
            ])
        try store.disable([.inventory], on: ["m1"])
        #expect(try store.machine(named: "m1")?.solutions.keys.map(\.rawValue) == ["ChangeTracking"])
        #expect(try store.removeMachine(named: "m1"))
        #expect(try store.machines().isEmpty)
        let orphans = try store.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM machineSolution") }
        #expect(orphans == 0)
    }

    @Test func unknownGatewayIsRefused() throws {
        let store = try AutomationStore.inMemory()
        var viaGateway = machine("m2")
        viaGateway.network = MachineNetwork(route: .gateway, gateway: "gw", rules: [])
        #expect(throws: StoreError.self) { try store.registerMachine(viaGateway, at: now) }
        try store.saveGateway(Gateway(name: "gw", rules: AzureEndpoints.directRules))
        try store.registerMachine(viaGateway, at: now)
        #expect(try store.gateway(named: "gw")?.rules.count == 4)
    }

    @Test func jobHistoryKeepsTransitionsAndStreamsInOrder() throws {
        let store = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try store.createJob(job("job-1", at: now))
        try store.transition(job: "job-1", to: .activating, at: now.addingTimeInterval(1))
        try store.transition(job: "job-1", to: .running, at: now.addingTimeInterval(2))
        try store.appendStream(job: "job-1", [(.output, now, "one"), (.warning, now, "two")])
        try store.appendStream(job: "job-1", [(.error, now, "three")])
        try store.transition(job: "job-1", to: .failed, at: now.addingTimeInterval(3), exception: "boom")
        let stored = try #require(try store.job("job-1"))
        #expect(stored.status == .failed)
        #expect(stored.startedAt == now.addingTimeInterval(2))
        #expect(stored.endedAt == now.addingTimeInterval(3))
        #expect(stored.exception == "boom")
        #expect(stored.parameters == ["machines": .list([.string("m1")])])
        #expect(try store.statusHistory(job: "job-1").map(\.status) == [.new, .activating, .running, .failed])
        #expect(try store.streams(job: "job-1").map(\.message) == ["one", "two", "three"])
        #expect(try store.streams(job: "job-1", kind: .warning).map(\.seq) == [2])
    }

    @Test func jobListingFiltersAndPrefixes() throws {
        let store = try AutomationStore.inMemory()
        try store.createJob(job("aaaa1111", at: now))
        try store.createJob(job("aaaa2222", at: now.addingTimeInterval(10)))
        var other = job("bbbb3333", at: now.addingTimeInterval(20))
        other.runbookName = "scan"
        try store.createJob(other)
        #expect(try store.jobs(JobFilter()).map(\.id) == ["bbbb3333", "aaaa2222", "aaaa1111"])
        #expect(try store.jobs(JobFilter(runbook: "enable-tracking", limit: 1)).map(\.id) == ["aaaa2222"])
        #expect(try store.jobs(JobFilter(status: .completed)).isEmpty)
        #expect(try store.job("bbbb")?.id == "bbbb3333")
        #expect(throws: StoreError.self) { try store.job("aaaa") }
    }

    @Test func schemaRefusesInvalidRows() throws {
        let store = try AutomationStore.inMemory()
        try store.createJob(job("j", at: now))
        #expect(throws: DatabaseError.self) {
            try store.writer.write { db in try db.execute(sql: "UPDATE job SET status = 'Exploded'") }
        }
        #expect(throws: DatabaseError.self) {
            try store.writer.write { db in
                try db.execute(sql: "INSERT INTO jobStream VALUES ('missing-job', 1, 'Output', '2026-01-01', 'x')")
            }
        }
    }

    @Test func applyIsAllOrNothing() throws {
        let store = try AutomationStore.inMemory()
        var viaMissingGateway = machine("m3")
        viaMissingGateway.network = MachineNetwork(route: .gateway, gateway: "nope", rules: [])
        let file = AutomationFile(
            account: account, workspace: workspace, gateways: [], machines: [machine("m1"), viaMissingGateway])
        #expect(throws: StoreError.self) { try store.apply(file, at: now) }
        #expect(try store.accounts().isEmpty)
        #expect(try store.machines().isEmpty)
        let good = AutomationFile(account: account, workspace: workspace, gateways: [], machines: [machine("m1")])
        let summary = try store.apply(good, at: now)
        #expect(summary.created == ["workspace logs", "account acct", "machine m1"])
        #expect(try store.apply(good, at: now).updated.count == 3)
    }

    @Test func twoConnectionsShareTheFile() async throws {
        let first = try AutomationStore.open(folder: folder)
        let second = try AutomationStore.open(folder: folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, store) in [first, second].enumerated() {
                group.addTask {
                    for n in 0..<50 {
                        try store.createJob(job("job-\(index)-\(n)", at: now.addingTimeInterval(Double(n))))
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try first.jobCount() == 100)
    }
}

@Suite struct RecoveryTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// No restarts unless asked: these tests are about how recovery ends a job.
    func job(_ id: String, status: JobStatus = .running, at date: Date, restartLimit: Int = 0) -> Job {
        Job(
            id: id, runbookName: "r", runbookDigest: String(repeating: "a", count: 64), runbookContent: "",
            parameters: [:], startReason: .manual, accountName: nil, status: status, createdAt: date,
            logVerbose: false, logProgress: false, restartLimit: restartLimit)
    }

    /// Issue 21, item 4: a dead process's job cut off mid-step goes back to New with no owner,
    /// so that a scheduler's claim runs it from that step; recovery leaves it alone after that.
    @Test func aDeadProcessesRunningJobIsPutBackInNewForAScheduler() throws {
        let store = try AutomationStore.inMemory()
        let dead = JobOwner(pid: try deadPid(), host: JobOwner.current.host)
        try store.createJob(job("j", at: now, restartLimit: 1), owner: dead)
        _ = try store.stepBoundary(job: "j", step: 1, at: now)
        #expect(try store.recoverOrphanedJobs(at: now) == [RecoveredJob(id: "j", status: .new)])
        let job = try #require(try store.job("j"))
        #expect(job.status == .new && job.restarts == 1 && job.checkpointStep == 1 && job.exception == nil)
        let warning = try #require(try store.streams(job: "j").last)
        #expect(warning.stream == .warning)
        #expect(warning.message.contains("put back in New by recovery (restart 1 of 1)"))
        #expect(try store.recoverOrphanedJobs(at: now).isEmpty)
        #expect(try store.integrityCheck() == "ok")
    }

    /// The pid of a process that has exited.
    func deadPid() throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return Int(process.processIdentifier)
    }

    @Test func jobsOfDeadProcessesEndFailedWithAReason() throws {
        let store = try AutomationStore.inMemory()
        let host = JobOwner.current.host
        let pid = try deadPid()
        try store.createJob(job("orphan", at: now), owner: JobOwner(pid: pid, host: host))
        try store.createJob(job("alive", at: now), owner: .current)
        try store.createJob(job("elsewhere", at: now), owner: JobOwner(pid: pid, host: "another-host"))
        #expect(try store.recoverOrphanedJobs(at: now) == [RecoveredJob(id: "orphan", status: .failed)])
        let orphan = try #require(try store.job("orphan"))
        #expect(orphan.status == .failed)
        #expect(orphan.exception?.contains("pid \(pid)") == true)
        #expect(try store.job("alive")?.status == .running)
        #expect(try store.job("elsewhere")?.status == .running)
        #expect(try store.integrityCheck() == "ok")
        // Opened as a process starts, its own id's jobs are an earlier process's (pid 1, restarted).
        #expect(try store.recoverOrphanedJobs(at: now, atStart: true) == [RecoveredJob(id: "alive", status: .failed)])
    }

    @Test func recoveryGivesEachStatusItsOwnEnding() throws {
        let store = try AutomationStore.inMemory()
        let dead = JobOwner(pid: try deadPid(), host: JobOwner.current.host)
        for status: JobStatus in [.new, .running, .stopping, .suspending, .resuming] {
            try store.createJob(job(status.rawValue, status: status, at: now), owner: dead)
        }
        try store.createJob(job("parked", status: .suspended, at: now), owner: dead)
        _ = try store.stepBoundary(job: "Suspending", step: 2, at: now)
        let recovered = try store.recoverOrphanedJobs(at: now)
        #expect(
            Dictionary(uniqueKeysWithValues: recovered.map { ($0.id, $0.status) }) == [
                "New": .suspended, "Running": .failed, "Stopping": .stopped, "Suspending": .suspended,
                "Resuming": .suspended,
            ])
        let suspending = try #require(try store.job("Suspending"))
        #expect(suspending.checkpointStep == 2)
        #expect(suspending.exception?.contains("suspended by recovery before step 3") == true)
        #expect(try store.job("New")?.checkpointStep == 0)
        #expect(try store.job("parked")?.status == .suspended)
        // A second recovery finds nothing: suspended jobs belong to no process.
        #expect(try store.recoverOrphanedJobs(at: now).isEmpty)
    }

    @Test func suspendAndResumeMoveThroughAzureStatuses() throws {
        let store = try AutomationStore.inMemory()
        try store.createJob(job("j", status: .running, at: now))
        #expect(try store.stepBoundary(job: "j", step: 0, at: now).suspend == false)
        #expect(try store.requestSuspend(job: "j", at: now) == .requested)
        #expect(try store.requestSuspend(job: "j", at: now) == .already(.suspending))
        #expect(try store.stepBoundary(job: "j", step: 1, at: now).suspend == true)
        try store.suspend(job: "j", atStep: 1, at: now, reason: "asked")
        #expect(try store.requestSuspend(job: "j", at: now) == .already(.suspended))
        guard case .queued(let queued) = try store.queueResume(job: "j", at: now) else {
            Issue.record("expected the resume to be queued")
            return
        }
        #expect(queued.status == .resuming)
        #expect(queued.checkpointStep == 1)
        #expect(queued.exception == nil)
        #expect(try store.queuedResumes() == ["j"])
        #expect(try store.claimResume(job: "j"))
        #expect(try store.claimResume(job: "j", owner: JobOwner(pid: 1, host: "other")) == false)
        #expect(try store.queuedResumes().isEmpty)
        #expect(try store.stepBoundary(job: "j", step: 1, at: now).suspend == false)  // the request was used up
        #expect(
            try store.statusHistory(job: "j").map(\.status) == [
                .running, .suspending, .suspended, .resuming,
            ])
        #expect(try store.queueResume(job: "j", at: now) == .notSuspended(.resuming))
    }

    @Test func stoppingASuspendedJobStopsItAtOnce() throws {
        let store = try AutomationStore.inMemory()
        try store.createJob(job("j", status: .running, at: now))
        try store.suspend(job: "j", atStep: 0, at: now, reason: "asked")
        #expect(try store.requestStop(job: "j", at: now) == .stoppedNow)
        let stopped = try #require(try store.job("j"))
        #expect(stopped.status == .stopped)
        #expect(stopped.exception == "Stop requested from the command line: the job was stopped while suspended")
    }

    @Test func purgeDeletesOldFinishedJobsOnly() throws {
        let store = try AutomationStore.inMemory()
        for index in 0..<1200 {
            try store.createJob(job("old-\(index)", status: .completed, at: now.addingTimeInterval(-40 * 86_400)))
        }
        try store.createJob(job("old-running", status: .running, at: now.addingTimeInterval(-40 * 86_400)))
        try store.createJob(job("recent", status: .completed, at: now))
        try store.createJob(job("old-streamed", status: .running, at: now.addingTimeInterval(-40 * 86_400)))
        try store.appendStream(job: "old-streamed", [(.output, now, "x")])
        try store.transition(job: "old-streamed", to: .completed, at: now)
        // An ended job takes no more records.
        #expect(throws: StoreError.self) { try store.appendStream(job: "old-1", [(.output, now, "x")]) }
        #expect(throws: StoreError.self) { try store.transition(job: "old-1", to: .running, at: now) }
        #expect(try store.purgeJobs(before: now.addingTimeInterval(-30 * 86_400)) == 1201)
        #expect(try store.jobCount() == 2)
        #expect(try store.streams(job: "old-streamed").isEmpty)
    }
}

@Suite struct JobFilterTests {
    @Test func filtersByReasonScheduleAndTime() throws {
        let store = try AutomationStore.inMemory()
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        func job(_ id: String, _ reason: StartReason, by: String?, at offset: Double) -> Job {
            Job(
                id: id, runbookName: "r", runbookDigest: String(repeating: "a", count: 64), runbookContent: "",
                parameters: [:], startReason: reason, startedBy: by, accountName: nil, status: .completed,
                createdAt: base.addingTimeInterval(offset), logVerbose: false, logProgress: false)
        }
        try store.createJob(job("m1", .manual, by: nil, at: 0))
        try store.createJob(job("n1", .schedule, by: "nightly", at: 100))
        try store.createJob(job("w1", .schedule, by: "weekly", at: 200))
        #expect(try store.jobs(JobFilter(reason: .manual)).map(\.id) == ["m1"])
        #expect(try store.jobs(JobFilter(schedule: "nightly")).map(\.id) == ["n1"])
        #expect(try store.jobs(JobFilter(since: base.addingTimeInterval(50))).map(\.id) == ["w1", "n1"])
        #expect(try store.jobs(JobFilter(until: base.addingTimeInterval(150))).map(\.id) == ["n1", "m1"])
    }
}
