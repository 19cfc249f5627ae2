import Testing

@testable import Automation

@Suite struct AzureRulesTests {
    func account(_ region: String, subscription: String = "s1") -> Account {
        Account(name: "a", subscription: subscription, resourceGroup: "g", region: Region.named(region), workspace: "w")
    }

    func workspace(_ region: String, subscription: String = "s1") -> Workspace {
        Workspace(name: "w", subscription: subscription, resourceGroup: "g", region: Region.named(region))
    }

    @Test(arguments: Region.workspaceToAccount)
    func everyTablePairLinks(_ pair: (workspace: String, account: String)) {
        #expect(WorkspaceLink.problems(account: account(pair.account), workspace: workspace(pair.workspace)).isEmpty)
    }

    @Test func refusedPairNamesThePartners() {
        let problems = WorkspaceLink.problems(account: account("WestUS"), workspace: workspace("EastUS"))
        #expect(
            problems == [
                "a workspace in EastUS cannot be linked to an Automation account in WestUS; "
                    + "a workspace in EastUS links to an account in EastUS2"
            ])
        let reverse = WorkspaceLink.problems(account: account("EastUS"), workspace: workspace("EastUS"))
        #expect(reverse.first?.hasSuffix("a workspace in EastUS links to an account in EastUS2") == true)
    }

    @Test func differentSubscriptionsAreRefused() {
        let problems = WorkspaceLink.problems(
            account: account("EastUS2", subscription: "s1"), workspace: workspace("EastUS", subscription: "s2"))
        #expect(
            problems == [
                "Automation account 'a' is in subscription 's1' but workspace 'w' is in 's2'; "
                    + "an account links only to a workspace in its own subscription"
            ])
    }

    @Test func regionSpellings() {
        #expect(Region("East US 2")?.name == "EastUS2")
        #expect(Region("eastus2")?.name == "EastUS2")
        #expect(Region("mars") == nil)
        #expect(Region.hint(for: "eastsu") == " (did you mean 'eastus'?)")
    }

    @Test func osCatalog() {
        #expect(OperatingSystem("windows server 2022")?.family == .windows)
        #expect(OperatingSystem("Ubuntu 22.04")?.family == .linux)
        #expect(OperatingSystem("Windows Server 2008") == nil)
        let message = OSCatalog.unsupportedMessage("Windows Server 2008")
        #expect(message.hasPrefix("operating system 'Windows Server 2008' is not supported"))
        // A known family at an unsupported version: the family's supported versions, no near miss.
        #expect(message.contains("supported versions of Windows Server: Windows Server 2025, Windows Server 2022"))
        #expect(!message.contains("did you mean"))
        let typo = OSCatalog.unsupportedMessage("Windows Servr 2022")
        #expect(typo.contains("did you mean 'Windows Server 2022'?"))
        #expect(typo.contains("supported Windows: Windows Server 2025, Windows Server 2022"))
        #expect(typo.contains("supported Linux: Ubuntu 20.04"))
        #expect(OSRelease.catalogName("ID=debian\nVERSION_ID=\"12\"\n") == "Debian 12")
        #expect(OSRelease.catalogName("ID=ubuntu\nVERSION_ID=\"22.04\"\n") == "Ubuntu 22.04")
    }

    @Test func networkRuleSyntax() throws {
        #expect(try NetworkRule.parse("443/tcp to *.ods.opinsights.azure.com").get() == AzureEndpoints.directRules[0])
        #expect(try NetworkRule.parse("22 from om01").get() == NetworkRule(.inbound, port: 22, peer: "om01"))
        #expect(throws: NetworkRule.RuleSyntaxError.self) { try NetworkRule.parse("443 via gw").get() }
    }

    @Test func suggestions() {
        #expect(Suggestion.closest(to: "wiht", among: ["with", "name"]) == "with")
        #expect(Suggestion.closest(to: "scna", among: ["scan", "log"]) == "scan")
        #expect(Suggestion.closest(to: "zzzzzz", among: ["scan", "log"]) == nil)
    }

    @Test func durations() {
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("250ms") == .milliseconds(250))
        #expect(DurationText.parse("15") == nil)
        #expect(DurationText.parse("5x") == nil)
        #expect(DurationText.format(.seconds(5400)) == "1h30m")
    }
}
