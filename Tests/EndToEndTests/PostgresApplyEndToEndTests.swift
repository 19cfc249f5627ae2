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
        #expect(!first.stderr.contains("created the default Automation account"), "\(first.stderr)")
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
