import Automation
import Foundation
import Testing

/// `runbook apply`: an automation file in one transaction, on every store.
extension StoreContractTests {
    @Test(arguments: StoreKind.available) func automationFilesApplyWholeOrNotAtAll(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let gateway = Gateway(name: "gw-1", rules: [])
            let file = AutomationFile(
                account: Self.account("ops"), workspace: Self.workspace, gateways: [gateway],
                machines: [try Self.machine("web1", gateway: "gw-1"), try Self.machine("web2")])
            let first = try await store.apply(file, at: now)
            #expect(first.created == ["workspace logs", "account ops", "gateway gw-1", "machine web1", "machine web2"])
            #expect(first.updated.isEmpty)
            #expect(try await store.defaultAccount()?.account.name == "ops")  // the first account
            #expect(try await store.machine(named: "web1")?.machine.network.gateway == "gw-1")

            var changed = file
            changed.machines[1].tags = ["env": "test"]
            let second = try await store.apply(changed, at: now.addingTimeInterval(60))
            #expect(second.created.isEmpty)
            #expect(
                second.updated == ["workspace logs", "account ops", "gateway gw-1", "machine web1", "machine web2"])
            #expect(try await store.machine(named: "web2")?.machine.tags == ["env": "test"])

            // A machine naming a gateway nobody has: nothing of the file is stored.
            let broken = AutomationFile(
                account: Self.account("other"), workspace: Self.workspace,
                machines: [try Self.machine("web3"), try Self.machine("web4", gateway: "gw-missing")])
            await #expect(throws: StoreError.self) { try await store.apply(broken, at: now) }
            #expect(try await store.machineNames() == ["web1", "web2"])
            #expect(try await store.accounts().map(\.account.name) == ["ops"])
        }
    }
}
