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

extension StoreContractTests {
    @Test(arguments: StoreKind.available) func theDefaultAccountAndProfilesChange(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: false, at: now)
            try await store.createAccount(Self.account("dev"), workspace: Self.workspace, makeDefault: false, at: now)
            #expect(try await store.defaultAccount()?.account.name == "ops")
            try await store.setDefaultAccount("dev")
            #expect(try await store.accounts().filter(\.isDefault).map(\.account.name) == ["dev"])
            await #expect(throws: StoreError.self) { try await store.setDefaultAccount("nope") }
            #expect(try await store.defaultAccount()?.account.name == "dev")
            let changed = try await store.setProfile(.extended, account: nil)
            #expect(changed.account == "dev" && changed.previous == .azure)
            #expect(try await store.setProfile(.extended, account: "dev").previous == .extended)
            #expect(try await store.setProfile(.azure, account: "ops").previous == .azure)
            await #expect(throws: StoreError.self) { try await store.setProfile(.azure, account: "nope") }
            // Concurrent changes of the default leave exactly one.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in ["ops", "dev", "ops", "dev", "ops", "dev"] {
                    group.addTask { try await store.setDefaultAccount(name) }
                }
                try await group.waitForAll()
            }
            #expect(try await store.accounts().filter(\.isDefault).count == 1)
        }
    }
}
