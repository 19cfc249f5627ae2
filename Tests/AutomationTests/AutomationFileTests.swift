import Foundation
import Testing

@testable import Automation

@Suite struct AutomationFileTests {
    @Test func contosoExampleLoads() throws {
        let path = Fixtures.packageRoot + "/examples/contoso/automation.yaml"
        let file = try AutomationFile.load(path: path)
        #expect(file.account?.region.name == "EastUS2")
        #expect(file.workspace?.region.name == "EastUS")
        #expect(file.machines.map(\.name) == ["contoso-web01", "contoso-sql01", "contoso-lnx01", "contoso-dev01"])
        #expect(file.machines.filter { $0.family == .windows }.count == 3)
        #expect(
            file.machines[2].source == .linuxRoot(Fixtures.packageRoot + "/examples/contoso/machines/contoso-lnx01"))
        #expect(file.gateways.first?.rules == AzureEndpoints.directRules)
    }

    func parse(_ text: String) -> [Diagnostic] {
        do {
            _ = try AutomationFile.parse(Array(text.utf8), label: "fleet.yaml", baseFolder: "/")
            return []
        } catch {
            return error.diagnostics
        }
    }

    let workspace = """
        workspace: { name: w, subscription: s1, resourceGroup: g, region: EastUS }

        """

    @Test func unsupportedOSIsLocated() {
        let diagnostics = parse(
            workspace + """
                account: { name: a, subscription: s1, resourceGroup: g, region: EastUS2 }
                machines:
                  - name: old
                    os: Windows Server 2008
                    source: local
                """)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.mark == .init(line: 5, column: 9))
        #expect(diagnostics.first?.message.hasPrefix("operating system 'Windows Server 2008' is not supported") == true)
    }

    @Test func invalidRegionPairIsLocated() {
        let diagnostics = parse(
            workspace + "account: { name: a, subscription: s1, resourceGroup: g, region: WestUS }\n")
        #expect(diagnostics.map(\.mark) == [.init(line: 2, column: 10)])
        #expect(
            diagnostics.first?.message
                == "a workspace in EastUS cannot be linked to an Automation account in WestUS; "
                + "a workspace in EastUS links to an account in EastUS2")
    }

    @Test func subscriptionMismatchIsLocated() {
        let diagnostics = parse(
            workspace + "account: { name: a, subscription: s2, resourceGroup: g, region: EastUS2 }\n")
        #expect(
            diagnostics.first?.message.contains("an account links only to a workspace in its own subscription") == true)
    }

    @Test func unknownKeysAndSourcesAreReported() {
        let diagnostics = parse(
            workspace + """
                account: { name: a, subscription: s1, resourceGroup: g, region: EastUS2 }
                machines:
                  - name: m
                    os: Ubuntu 22.04
                    locaton: EastUS2
                    source: { linuxroot: /nonexistent }
                """)
        #expect(diagnostics.map(\.message).contains("unknown key 'locaton' in machine (did you mean 'location'?)"))
        #expect(diagnostics.contains { $0.message.hasPrefix("machine folder '/nonexistent' does not exist") })
        #expect(diagnostics.contains { $0.message == "unknown source kind 'linuxroot' (did you mean 'linuxRoot'?)" })
    }
}
