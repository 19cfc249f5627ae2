import Foundation
import Testing

/// What a new user hits first (issue 9): typos in the store path, changing the limits profile,
/// messages that point the right way, and naming the latest job.
@Suite(.serialized) struct NewUserEndToEndTests {
    @Test(arguments: [
        ["jobs", "list"], ["jobs", "show", "abcd"], ["changes"], ["inventory"], ["machine", "list"],
        ["account", "show"], ["tracking", "show"], ["schedule", "list"], ["jobs", "purge", "--older-than", "1d"],
    ])
    func readingCommandsRefuseAStoreThatDoesNotExist(_ arguments: [String]) throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try cli.run(arguments)
        #expect(result.status == 66)
        #expect(result.stderr.contains("no store at \(cli.store)"))
        #expect(!FileManager.default.fileExists(atPath: cli.store), "\(arguments) created a store")
    }

    @Test func aStoreFolderThatIsAFileIsSaidInPlainWords() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(FileManager.default.createFile(atPath: cli.store, contents: Data()))
        let result = try cli.run("run", "enable-tracking")
        #expect(result.status == 74)
        #expect(result.stderr.contains("is a file, not a folder"))
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test func theProfileOfAnExistingAccountChangesWithAccountSet() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        let again = try cli.run("init", "--profile", "extended")
        #expect(again.status == 73)
        #expect(again.stderr.contains("runbook account set --profile extended"))
        #expect(try cli.run("account", "show").stdout.contains("Limits profile:   azure"))
        let set = try cli.run("account", "set", "--profile", "extended")
        #expect(set.status == 0)
        #expect(set.stdout.contains("limits profile azure -> extended"))
        #expect(try cli.run("account", "show").stdout.contains("Limits profile:   extended"))
        let unknown = try cli.run("account", "set", "automation-defualt", "--profile", "azure")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("did you mean 'automation-default'?"))
    }

    @Test func initCreatesTheDefaultAccountWithTheProfileAskedFor() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init", "--profile", "extended").status == 0)
        #expect(try cli.run("account", "show").stdout.contains("Limits profile:   extended"))
    }

    @Test func messagesPointTheRightWay() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("run", "enable-tracking").status == 0)
        let filtered = try cli.run("jobs", "list", "--runbook", "scan")
        #expect(filtered.stdout.contains("No job matches these filters"))
        let machine = try cli.run("changes", "--machine", "nosuch")
        #expect(machine.status == 1)
        #expect(machine.stderr.contains("no machine named 'nosuch'"))
        let inventory = try cli.run("inventory", "--machine", "nosuch")
        #expect(inventory.stderr.contains("no machine named 'nosuch'"))
        let short = try cli.run("jobs", "show", "0ac")
        #expect(short.status == 64)
        #expect(short.stderr.contains("at least 4 characters"))
        let old = try cli.run(
            "machine", "register", "old", "--os", "Windows Server 2008", "--source", "local")
        #expect(old.status == 64)
        #expect(old.stderr.contains("supported versions of Windows Server: Windows Server 2025"))
        #expect(!old.stderr.contains("did you mean"))
    }

    @Test func latestNamesTheNewestJob() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("run", "enable-tracking").status == 0)
        #expect(try cli.run("run", "disable-tracking", "-p", "solutions=Inventory").status == 0)
        let shown = try cli.run("jobs", "show", "latest")
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("disable-tracking"))
        #expect(try cli.run("jobs", "output", "latest").status == 0)
    }

    @Test func trackedItemsAreAddedChangedAndRemovedFromTheCommandLine() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        let added = try cli.run("tracking", "add", "file", "app-config", "--path", "/etc/app/*.conf")
        #expect(added.status == 0)
        #expect(added.stdout.contains("Tracking settings version 1"))
        // The rules of configure-tracking apply, with its messages; nothing is stored.
        let wildcard = try cli.run("tracking", "add", "file", "bad", "--path", "/etc/*/x.conf")
        #expect(wildcard.status == 65)
        #expect(wildcard.stderr.contains("wildcards are allowed only in the last segment"))
        let frequency = try cli.run("tracking", "set", "--services-frequency", "5s")
        #expect(frequency.status == 65)
        #expect(frequency.stderr.contains("outside Azure's 10s to 30m"))
        #expect(try cli.run("tracking", "set", "app-config", "--enabled", "false").status == 0)
        let shown = try cli.run("tracking", "show", "--json")
        let settings = try #require(
            try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let files = try #require(settings["files"] as? [[String: Any]])
        #expect(files.count == 1)
        #expect(files.first?["enabled"] as? Bool == false)
        #expect(files.first?["path"] as? String == "/etc/app/*.conf")
        let typo = try cli.run("tracking", "remove", "app-confg")
        #expect(typo.stderr.contains("did you mean 'app-config'?"))
        #expect(try cli.run("tracking", "remove", "app-config").status == 0)
        #expect(try cli.run("tracking", "show").stdout.contains("No file items."))
    }
}
