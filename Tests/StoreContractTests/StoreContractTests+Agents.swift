import Automation
import Foundation
import Testing

extension StoreContractTests {
    static func agentMachine(_ name: String, gateway: String? = nil) throws -> Machine {
        var machine = try Self.machine(name)
        machine.source = .agent
        if let gateway {
            machine.network = MachineNetwork(
                route: .gateway, gateway: gateway, rules: [NetworkRule(.outbound, port: 8080, peer: gateway)])
        }
        return machine
    }

    static func agent(_ machine: String, id: String) -> AgentInfo {
        AgentInfo(
            machine: machine, credentialId: id, enrolledAt: now, version: "1.0.0", route: .direct,
            address: "10.0.0.4")
    }

    /// Enrolment registers the machine with its credential; re-enrolment replaces the
    /// credential and keeps the machine; a folder machine's name is not taken over; heartbeats,
    /// the upload sequence (advanced only by a scan from the last stored upload) and revocation; a removed machine's credential
    /// is gone with it.
    @Test(arguments: StoreKind.available) func agentsEnrolReportAndAreRevoked(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            let hash = String(repeating: "a", count: 64)
            try await store.enrollAgent(
                try Self.agentMachine("web1"), agent: Self.agent("web1", id: "id1"), secretHash: hash, at: now)
            let found = try #require(try await store.agentCredential(id: "id1"))
            #expect(found.secretHash == hash && found.agent.machine == "web1" && found.agent.lastSequence == 0)
            #expect(try await store.machine(named: "web1")?.machine.source == .agent)

            // Again, through a gateway the store did not know: the old credential is gone.
            try await store.enrollAgent(
                try Self.agentMachine("web1", gateway: "gateway-10-0-0-2-8080"), agent: Self.agent("web1", id: "id2"),
                secretHash: hash, at: now)
            #expect(try await store.agentCredential(id: "id1") == nil)
            #expect(try await store.agentCredential(id: "id2") != nil)
            #expect(try await store.gateways().map(\.name).contains("gateway-10-0-0-2-8080"))

            // A folder machine's name is not an agent's to take.
            try await store.registerMachine(try Self.machine("db1"), replace: false, at: now)
            await #expect(throws: StoreError.self) {
                try await store.enrollAgent(
                    try Self.agentMachine("db1"), agent: Self.agent("db1", id: "id3"), secretHash: hash, at: now)
            }
            #expect(try await store.machine(named: "db1")?.machine.source == .linuxRoot("/srv/db1"))

            try await store.agentSeen(
                machine: "web1",
                beat: AgentBeat(version: "1.1.0", route: .gateway, address: "10.0.0.2", droppedBatches: 2),
                at: now.addingTimeInterval(60))
            // An upload's scan advances the sequence only from the last stored upload.
            func upload(_ step: AgentSequenceStep, key: String) async throws -> ScanCommit {
                let item = InventoryItem(type: .software, key: key, fields: ["version": "1"])
                let change = ItemChange(
                    type: .software, key: key, category: .added, fieldsChanged: [], current: item.fields, previous: [:])
                return try await store.commitScan(
                    ScanRecord(
                        machine: "web1", changes: [change], recordChanges: false, fileIndex: nil, startedAt: now,
                        endedAt: now, jobId: nil, expectedScans: nil, agentSequence: step), proceed: { true })
            }
            func step(_ previous: Int64, _ next: Int64, _ credential: String = "id2") -> AgentSequenceStep {
                AgentSequenceStep(credentialId: credential, previous: previous, next: next)
            }
            #expect(try await upload(step(0, 5), key: "a") == .committed)
            #expect(try await upload(step(0, 6), key: "b") == .stale)
            #expect(try await upload(step(5, 3), key: "c") == .stale)  // never back
            #expect(try await upload(step(5, 6, "id1"), key: "c") == .stale)  // a replaced credential
            #expect(try await store.agentCredential(id: "id2")?.agent.lastSequence == 5)
            #expect(try await upload(step(5, 7), key: "d") == .committed)
            #expect(try await store.snapshot(machine: "web1", files: []).map(\.key) == ["a", "d"])
            let seen = try #require(try await store.agents().first)
            #expect(seen.version == "1.1.0" && seen.route == .gateway && seen.droppedBatches == 2)
            #expect(seen.lastSequence == 7)
            #expect(seen.lastSeenAt == now.addingTimeInterval(60))

            #expect(try await store.revokeAgent(machine: "web1", at: now))
            #expect(try await store.agentCredential(id: "id2")?.agent.revokedAt == now)
            #expect(try await upload(step(7, 8), key: "e") == .stale)  // revoked: useless at once
            #expect(try await !store.revokeAgent(machine: "db1", at: now))
            #expect(try await store.removeMachine(named: "web1"))
            #expect(try await store.agentCredential(id: "id2") == nil)
            #expect(try await store.agents().isEmpty)
        }
    }
}
