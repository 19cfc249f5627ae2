import Automation
import AutomationStore
import Foundation
import Testing

/// The real binary against a real store in a temporary folder.
@Suite(.serialized) struct RunEndToEndTests {
    @Test func readmeMainCommandCompletesAndIsInTheHistory() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let run = try cli.run("run", "enable-tracking")
        #expect(run.status == 0)
        #expect(run.stderr.contains("note: Created the default Automation account 'automation-default' (EastUS2)"))
        #expect(run.stdout.contains("enabled ChangeTracking, Inventory (account automation-default"))
        #expect(run.stdout.contains("(enable-tracking) Completed"))

        let list = try cli.run("jobs", "list", "--json")
        #expect(list.status == 0)
        let jobs = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(jobs?.count == 1)
        #expect(jobs?.first?["status"] as? String == "Completed")
        #expect(jobs?.first?["startReason"] as? String == "manual")
        let id = try #require(jobs?.first?["id"] as? String)

        let show = try cli.run("jobs", "show", String(id.prefix(8)))
        #expect(show.status == 0)
        #expect(show.stdout.contains("Status:      Completed"))
        #expect(show.stdout.contains("Running"))

        let output = try cli.run("jobs", "output", id, "--stream", "output")
        #expect(output.stdout.hasSuffix("Enabled 1 of 1 machine\n"))

        let machines = try cli.run("machine", "list")
        #expect(machines.stdout.contains("ChangeTracking, Inventory"))
        #expect(!machines.stderr.contains("Created the default"))  // said once, on first use
    }

    @Test func contosoFleetEnablesWhatPassesAndFailsWhatDoesNot() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let apply = try cli.run("apply", "examples/contoso/automation.yaml")
        #expect(apply.status == 0)
        #expect(apply.stdout.contains("created machine contoso-lnx01"))

        let all = try cli.run("run", "enable-tracking")
        #expect(all.status == 0)
        #expect(all.stdout.contains("Enabled 3 of 3 machines"))

        let dev = try cli.run("run", "enable-tracking", "-p", "machines=contoso-dev01", "-p", "location=any")
        #expect(dev.status == 1)
        #expect(dev.stderr.contains("error: contoso-dev01: missing network rule '443/tcp to *.azure-automation.net'"))
        #expect(dev.stdout.contains("(enable-tracking) Failed"))

        let failed = try cli.run("jobs", "list", "--status", "failed", "--json")
        let jobs = try JSONSerialization.jsonObject(with: Data(failed.stdout.utf8)) as? [[String: Any]]
        #expect(jobs?.count == 1)
        #expect((jobs?.first?["exception"] as? String)?.contains("contoso-dev01") == true)

        let disable = try cli.run(
            "run", "disable-tracking", "-p", "machines=contoso-web01", "-p", "solutions=Inventory")
        #expect(disable.status == 0)
        let web = try cli.run("machine", "show", "contoso-web01", "--json")
        let document = try JSONSerialization.jsonObject(with: Data(web.stdout.utf8)) as? [String: Any]
        #expect((document?["tracking"] as? [String: Any])?.keys.sorted() == ["ChangeTracking"])
    }

    @Test func futureMachinesScopeEnablesLaterRegistrations() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("run", "enable-tracking", "-p", "scope=all-available-and-future").status == 0)
        let register = try cli.run(
            "machine", "register", "later01", "--os", "Ubuntu 24.04", "--source",
            "linux-root:examples/contoso/machines/contoso-lnx01",
            "--standard-rules")
        #expect(register.status == 0)
        #expect(register.stdout.contains("later01: enabled ChangeTracking (scope: all available and future machines)"))
        #expect(register.stdout.contains("later01: enabled Inventory"))
    }
}
