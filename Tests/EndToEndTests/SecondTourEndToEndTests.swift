import Foundation
import Testing

/// What a new user hit in the second tour (issue 21), through the binary.
@Suite struct SecondTourEndToEndTests {
    /// Item 8: outside the repository the main command works (the shipped runbooks come from the
    /// binary), and item 1's rule holds on a folder too: reading never creates an account.
    @Test func theMainCommandWorksFromAnyFolder() throws {
        var cli = CLI()
        defer { cli.cleanUp() }
        let elsewhere = NSTemporaryDirectory() + "runbook-elsewhere-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: elsewhere) }
        cli.directory = elsewhere
        let result = try cli.run("run", "enable-tracking")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("published 6 runbooks from the binary's shipped runbooks"), "\(result.stderr)")
        #expect(result.stdout.contains("Completed"))
        let listed = try cli.run("runbooks", "list")
        for name in ["enable-tracking", "scan", "configure-tracking"] { #expect(listed.stdout.contains(name)) }
    }

    @Test func readingCommandsNeverCreateTheAccount() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("store", "migrate").status == 0)
        for arguments in [["account", "show"], ["tracking", "show"]] {
            let result = try cli.run(arguments)
            #expect(result.status == 66, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("holds no Automation account yet"), "\(result.stderr)")
        }
        #expect(try cli.run("machine", "list").stdout.contains("No machines"))
        #expect(try cli.run("account", "list", "--json").stdout.contains("[]"))
    }

    /// Item 1: the first run on a new PostgreSQL database makes the account (and publishes the
    /// shipped runbooks) before it queues the job, so a node runs it to Completed.
    @Test(.enabled(if: PostgresStoreEndToEndTests.serverURL != nil, PostgresStoreEndToEndTests.skipNote))
    func theFirstRunOnANewPostgreSQLDatabaseCompletes() throws {
        var cli = CLI()
        defer { cli.cleanUp() }
        cli.directory = NSTemporaryDirectory()
        let url = try PostgresStoreEndToEndTests.freshURL()
        let queued = try cli.run("run", "enable-tracking", "--store", url, "--json")
        #expect(queued.status == 0, "\(queued.stderr)")
        #expect(queued.stderr.contains("Created the default Automation account"), "\(queued.stderr)")
        // The account and the runbook exist before the job: a node can run it.
        #expect(try cli.run("account", "show", "--store", url).status == 0)
        #expect(try cli.run("runbooks", "list", "--store", url).stdout.contains("enable-tracking"))
        let shown = try cli.run("jobs", "show", "latest", "--store", url)
        #expect(shown.stdout.contains("enable-tracking"), "\(shown.stdout)\(shown.stderr)")
        #expect(!shown.stdout.contains("no usable Automation account"))
    }

    /// Item 3: a clean stop frees the node id at once, and a refusal comes before "Serving".
    @Test func aCleanStopFreesTheNodeIdAndRefusalsComeBeforeServing() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        let scheduler = try cli.start(["scheduler", "--node", "a", "--poll", "0.2"])
        #expect(cli.waitFor { (try? cli.run("nodes", "list").stdout.contains("live")) == true })
        scheduler.terminate()
        scheduler.waitUntilExit()
        #expect(try cli.run("nodes", "list").stdout.contains("stopped"))
        let server = try PortalServer.start(cli, options: ["--node", "a"])
        defer { server.stop() }
        let second = try cli.run("serve", "--node", "a", "--port", "0")
        #expect(second.status == 74)
        #expect(second.stderr.contains("the node id 'a' is in use"), "\(second.stderr)")
        #expect(!second.stdout.contains("Serving"), "\(second.stdout)")
        #expect(!second.stderr.contains("CancellationError"))
    }

    /// Item 12: a mistyped command, a runbook parameter given as an option, and a value close to
    /// an allowed one each get a suggestion.
    @Test func mistakesGetSuggestions() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let command = try cli.run("jbos", "list")
        #expect(command.status == 64)
        #expect(
            command.stderr.contains("unknown command 'jbos' for 'runbook' (did you mean 'jobs'?)"), "\(command.stderr)")
        let nested = try cli.run("schedule", "lsit")
        #expect(nested.stderr.contains("(did you mean 'list'?)"), "\(nested.stderr)")
        let option = try cli.run("run", "scan", "--machines", "web01")
        #expect(option.status == 64)
        #expect(option.stderr.contains("-p machines=web01"), "\(option.stderr)")
        let value = try cli.run("run", "enable-tracking", "-p", "solutions=Inventori")
        #expect(
            value.stderr.contains("'Inventori' is not one of ChangeTracking, Inventory (did you mean 'Inventory'?)"),
            "\(value.stderr)")
        let help = try cli.run("machine", "register", "--help")
        #expect(help.stdout.contains("every command takes"), "\(help.stdout)")
    }
}
