import AutomationStore
import Foundation
import Testing

/// Two real scheduler processes on one store: every fire starts exactly once.
@Suite(.serialized) struct SchedulerEndToEndTests {
    @Test func twoSchedulerProcessesNeverDoubleAFire() throws {
        var cli = CLI()
        defer { cli.cleanUp() }
        let books = cli.store + "-runbooks"
        let fleet = cli.store + "-fleet.yaml"
        defer {
            try? FileManager.default.removeItem(atPath: books)
            try? FileManager.default.removeItem(atPath: fleet)
        }
        try FileManager.default.createDirectory(atPath: books, withIntermediateDirectories: true)
        try "name: noop\nsteps:\n  - { name: n, action: log, with: { message: tick } }\n"
            .write(toFile: books + "/noop.yaml", atomically: true, encoding: .utf8)
        let schedules = (0..<50).map {
            "  - { name: s\($0), frequency: Minute, start: \"2030-01-01T00:00:00Z\", runbooks: [noop] }"
        }
        try ("schedules:\n" + schedules.joined(separator: "\n") + "\n").write(
            toFile: fleet, atomically: true, encoding: .utf8)
        #expect(try cli.run("apply", fleet, "--runbooks", books).status == 0)

        // 20 minutes of fires, each minute ticked by two processes at once: 1,000 fires.
        for minute in 0..<20 {
            let now = String(format: "2030-01-01T00:%02d:10Z", minute)
            let first = try cli.start(["scheduler", "--now", now, "--runbooks", books])
            let second = try cli.start(["scheduler", "--now", now, "--runbooks", books])
            first.waitUntilExit()
            second.waitUntilExit()
            #expect(first.terminationStatus == 0)
            #expect(second.terminationStatus == 0)
        }
        cli.directory = CLI.packageRoot
        let store = try AutomationStore.open(folder: cli.store)
        #expect(try store.jobCount() == 1000)
        var fires = 0
        for index in 0..<50 {
            let records = try store.fires(schedule: "s\(index)", limit: 100)
            fires += records.count
            #expect(Set(records.map(\.fireTime)).count == records.count)
            #expect(records.allSatisfy { $0.status == .started && $0.jobId != nil })
        }
        #expect(fires == 1000)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func aKilledRunWithoutRestartsIsRecoveredAsFailed() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        try cli.registerBigMachine()
        let scan = try cli.start(["run", "scan", "-p", "machines=big", "--restarts", "0"])
        // Wait until the job is Running, then kill -9 its process.
        let store = try AutomationStore.open(folder: cli.store)
        #expect(try cli.waitFor { try store.jobs(.init(runbook: "scan")).first?.status == .running })
        kill(scan.processIdentifier, SIGKILL)
        scan.waitUntilExit()
        let list = try cli.run("jobs", "list", "--runbook", "scan", "--json")
        #expect(list.stderr.contains("was left unfinished by a process that ended; marked Failed"))
        let job = try #require(try store.jobs(.init(runbook: "scan")).first)
        #expect(job.status == .failed)
        #expect(job.exception?.contains("ended while it was Running; marked Failed by recovery") == true)
        #expect(try store.lastScan(machine: "big") == nil)  // nothing half-committed
        #expect(try store.integrityCheck() == "ok")
    }
}
