import Automation
import AutomationStore
import Foundation
import Testing

/// A store shared by processes at once and rows edited by hand, with the real binary
/// (issue 8, items 6, 11 and 14).
@Suite(.serialized) struct HostileStoreEndToEndTests {
    /// Runs SQL on the store's file with the sqlite3 shell, as someone editing it by hand would.
    func tamper(_ cli: CLI, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [cli.store + "/" + AutomationStore.fileName, sql]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CLIError(message: "sqlite3 failed on: \(sql)") }
    }

    /// Job ids, oldest first.
    func jobIds(_ cli: CLI) throws -> [String] {
        try AutomationStore.open(folder: cli.store).jobs(JobFilter()).map(\.id).reversed()
    }

    @Test func eightProcessesOnABrandNewStoreAllSucceedAndMakeOneDefaultAccount() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let processes = try (0..<8).map { _ in try cli.start(["run", "enable-tracking"]) }
        for process in processes { process.waitUntilExit() }
        #expect(processes.map(\.terminationStatus) == Array(repeating: 0, count: 8))
        let store = try AutomationStore.open(folder: cli.store)
        let accounts = try store.accounts()
        #expect(accounts.count == 1)
        #expect(accounts.filter(\.isDefault).count == 1)
        #expect(try store.jobCount() == 8)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func aTamperedJobRowIsReportedAndTheOthersStillList() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        for _ in 0..<3 { #expect(try cli.run("run", "enable-tracking").status == 0) }
        let ids = try jobIds(cli)
        try #require(ids.count == 3)
        try tamper(cli, "UPDATE job SET createdAt = 'garbage' WHERE id = '\(ids[0])'")
        try tamper(cli, "UPDATE job SET parameters = '{oops' WHERE id = '\(ids[1])'")

        let list = try cli.run("jobs", "list")
        #expect(list.status == 0)
        #expect(list.stdout.contains(String(ids[2].prefix(8))))
        #expect(!list.stdout.contains(String(ids[0].prefix(8))))
        #expect(
            list.stderr.contains(
                "warning: job row '\(ids[0])' cannot be read and was skipped: createdAt holds 'garbage'"))
        #expect(list.stderr.contains("warning: job row '\(ids[1])' cannot be read and was skipped: parameters"))
        let json = try cli.run("jobs", "list", "--json")
        #expect(json.status == 0)
        #expect(json.stdout.contains(ids[2]))

        let show = try cli.run("jobs", "show", ids[0])
        #expect(show.status == 1)
        #expect(
            show.stderr.contains("error: job row '\(ids[0])' in the store cannot be read: createdAt holds 'garbage'"))
        #expect(try cli.run("jobs", "show", ids[2]).status == 0)
    }

    @Test func anOwnerPidThatIsNotANumberDoesNotTakeEveryCommandDown() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        for _ in 0..<2 { #expect(try cli.run("run", "enable-tracking").status == 0) }
        let ids = try jobIds(cli)
        let host = ProcessInfo.processInfo.hostName.replacingOccurrences(of: "'", with: "''")
        try tamper(
            cli, "UPDATE job SET status = 'Running', ownerPid = 'abc', ownerHost = '\(host)' WHERE id = '\(ids[0])'")
        // Any command opens the store and runs recovery first.
        for arguments in [["jobs", "list"], ["jobs", "show", ids[1]], ["machine", "list"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 0, "runbook \(arguments.joined(separator: " ")): \(result.stderr)")
            #expect(result.stderr.contains("job row '\(ids[0])' cannot be read and was skipped: ownerPid holds 'abc'"))
        }
        #expect(try cli.run("run", "enable-tracking").status == 0)
    }

    @Test func aNULInALogMessageComesBackWhole() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let folder = cli.store + "-runbooks"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let runbook = folder + "/nul.yaml"
        try """
        name: nul
        steps:
          - name: say
            action: log
            with:
              message: "before\\0after"
        """.write(toFile: runbook, atomically: true, encoding: .utf8)
        let run = try cli.run("run", runbook)
        #expect(run.status == 0, "\(run.stderr)")
        let id = try #require(try jobIds(cli).last)
        let output = try cli.run("jobs", "output", id, "--json")
        #expect(output.status == 0)
        #expect(output.stdout.contains(#""message" : "before\u0000after""#))
    }

    @Test func tamperedInventoryAndChangeRowsAreReportedNotFatal() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let copy = try cli.contosoBaseline()
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try Data("10.0.9.9 rogue\n".utf8).write(to: URL(fileURLWithPath: copy + "/machines/contoso-lnx01/etc/hosts"))
        try Data("10.0.9.9 rogue\n".utf8).write(
            to: URL(fileURLWithPath: copy + "/machines/contoso-web01/C/Windows/System32/drivers/etc/hosts"))
        #expect(try cli.run("run", "scan").status == 0)
        try tamper(cli, "UPDATE configurationChange SET timeGenerated = 'garbage' WHERE computer = 'contoso-web01'")
        let changes = try cli.run("changes")
        #expect(changes.status == 0)
        #expect(changes.stderr.contains("configurationChange row"))
        #expect(changes.stdout.contains("contoso-lnx01"))
        // A snapshot row the next diff would read: the scan of that machine fails, naming it,
        // instead of recording the item as Added.
        try tamper(cli, "UPDATE configurationData SET fields = x'FF' WHERE itemKey = 'nginx'")
        let inventory = try cli.run("inventory", "--machine", "contoso-lnx01")
        #expect(inventory.status == 0)
        #expect(inventory.stderr.contains("configurationData row 'nginx'"))
        let scan = try cli.run("run", "scan", "-p", "machines=contoso-lnx01")
        #expect(scan.status == 1)
        #expect(scan.stderr.contains("nginx"))
        #expect(
            try cli.run("changes", "--machine", "contoso-lnx01", "--type", "Software").stdout.contains("Added") == false
        )
    }
}
