import Foundation
import Testing

/// `runbook apply` straight into PostgreSQL, through the binary.
extension PostgresStoreEndToEndTests {
    @Test(.enabled(if: serverURL != nil, skipNote))
    func theWalkthroughsAutomationFileAppliesStraightIntoPostgreSQL() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let url = try Self.freshURL()
        let file = CLI.packageRoot + "/examples/contoso/automation.yaml"
        let first = try cli.run("apply", file, "--store", url)
        #expect(first.status == 0, "\(first.stderr)")
        for line in [
            "created account contoso-automation", "created gateway contoso-gw", "created machine contoso-lnx01",
        ] {
            #expect(first.stdout.contains(line), "\(line): \(first.stdout)")
        }
        // The file names its own account: no default one was made first.
        #expect(!first.stderr.contains("Created the default Automation account"), "\(first.stderr)")
        let again = try cli.run("apply", file, "--store", url)
        #expect(again.status == 0 && again.stdout.contains("updated machine contoso-lnx01"), "\(again.stdout)")
        let machines = try cli.run("machine", "list", "--json", "--store", url)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(machines.stdout.utf8)) as? [[String: Any]])
        let names = Set(list.compactMap { ($0["machine"] as? [String: Any])?["name"] as? String })
        #expect(names.isSuperset(of: ["contoso-web01", "contoso-lnx01"]), "\(names)")
        let schedules = try cli.run("schedule", "list", "--store", url)
        #expect(schedules.stdout.contains("contoso-nightly-scan"), "\(schedules.stdout)")
        let runbooks = try cli.run("runbooks", "list", "--store", url)
        #expect(runbooks.stdout.contains("nightly-scan"), "the runbooks the schedules start are published")
    }
}

extension PostgresStoreEndToEndTests {
    @Test(.enabled(if: serverURL != nil, skipNote))
    func initAndAccountCommandsWorkOnPostgreSQL() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let url = try Self.freshURL()
        let first = try cli.run("init", "--store", url)
        #expect(first.status == 0 && first.stdout.contains("No local machine is registered"), "\(first.stdout)")
        #expect(try cli.run("init", "--store", url).status == 73)
        let added = try cli.run(
            "init", "--account", "ops", "--subscription", "11111111-1111-1111-1111-111111111111", "--resource-group",
            "rg", "--region", "EastUS2",
            "--workspace", "ws2", "--workspace-region", "EastUS", "--store", url)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try cli.run("account", "set-default", "ops", "--store", url).status == 0)
        let profile = try cli.run("account", "set", "--profile", "extended", "--store", url)
        #expect(profile.stdout.contains("Account 'ops': limits profile azure -> extended."), "\(profile.stdout)")
        let shown = try cli.run("account", "show", "--store", url)
        #expect(shown.stdout.contains("Automation account: ops (default)"), "\(shown.stdout)")
        #expect(shown.stdout.contains("Limits profile:   extended"), "\(shown.stdout)")
        let unknown = try cli.run("account", "set-default", "nope", "--store", url)
        #expect(unknown.status == 1 && unknown.stderr.contains("no Automation account named 'nope'"))
        #expect(try cli.run("machine", "list", "--store", url).stdout.contains("No machines registered."))
    }
}
