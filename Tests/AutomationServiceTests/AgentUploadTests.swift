import Automation
import AutomationService
import AutomationStore
import Foundation
import Testing

/// Agent uploads through the application layer, over a real SQLite file in a temporary folder.
@Suite struct AgentUploadTests {
    let folder = NSTemporaryDirectory() + "runbook-service-agent-uploads-" + UUID().uuidString

    /// An enrolled agent machine with tracking enabled and its baseline stored.
    func enrolled(_ service: AutomationService) async throws -> (AgentInfo, AgentConfiguration) {
        let store = try AutomationStore.open(folder: folder)
        let account = Account(
            name: "ops", subscription: "s", resourceGroup: "g", region: try #require(Region("eastus2")),
            workspace: "logs")
        let workspace = Workspace(
            name: "logs", subscription: "s", resourceGroup: "g", region: try #require(Region("eastus")))
        try store.createAccount(account, workspace: workspace, makeDefault: true, at: Date())
        let (_, token) = try await service.createToken(name: "enrol", role: .agent)
        let enrolled = try await service.enrollAgent(
            authorization: "Bearer \(token)",
            AgentEnrolment(name: "web1", os: "Ubuntu 22.04", addresses: [], version: "1", gateway: nil),
            address: "127.0.0.1")
        let agent = try await service.authenticateAgent(authorization: "Agent \(enrolled.credential)")
        try await service.agentHeartbeat(
            AgentHeartbeat(version: "1", gateway: nil, droppedBatches: 0, spooled: 0), from: agent, address: "127.0.0.1"
        )
        let enablement = try await service.enableTracking(
            machines: ["web1"], solutions: [.changeTracking, .inventory], account: nil, workspace: nil)
        #expect(enablement.machines.allSatisfy { $0.succeeded }, "\(enablement)")
        let configuration = try await service.agentConfiguration(for: agent)
        let baseline = AgentBatch(
            sequence: 1, full: true, configurationVersion: configuration.version, collectedAt: Date(),
            items: [InventoryItem(type: .software, key: "curl", fields: ["version": "1"])], removed: [],
            types: [.software])
        #expect(try await service.storeAgentBatch(baseline, from: agent).outcome == .stored)
        return (try await service.authenticateAgent(authorization: "Agent \(enrolled.credential)"), configuration)
    }

    /// Copies of one upload sent at once (a resend racing its original on another
    /// connection): exactly one is stored, the others are duplicates, one change is recorded.
    @Test func copiesOfOneUploadAtOnceAreStoredOnce() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let service = AutomationService(store: try AutomationStore.open(folder: folder))
        let (agent, configuration) = try await enrolled(service)
        let upload = AgentBatch(
            sequence: 2, full: false, configurationVersion: configuration.version, collectedAt: Date(),
            items: [InventoryItem(type: .software, key: "curl", fields: ["version": "2"])], removed: [], types: [])
        let outcomes = try await withThrowingTaskGroup(of: AgentBatchResult.Outcome.self) { group in
            for _ in 0..<8 { group.addTask { try await service.storeAgentBatch(upload, from: agent).outcome } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == .stored }.count == 1, "\(outcomes)")
        #expect(outcomes.filter { $0 == .duplicate }.count == 7, "\(outcomes)")
        let changes = try await service.changes(ChangeFilter(machine: "web1"))
        #expect(changes.count == 1)
        let stored = try await service.agents()
        #expect(stored.first?.lastSequence == 2)
    }

    /// An agent restarted with a gateway (or without) changes its machine's route with its
    /// next heartbeat; its tracking state stays.
    @Test func theMachinesRouteFollowsTheHeartbeat() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let service = AutomationService(store: try AutomationStore.open(folder: folder))
        let (agent, _) = try await enrolled(service)
        try await service.agentHeartbeat(
            AgentHeartbeat(version: "2", gateway: "10.0.0.2:8080", droppedBatches: 0, spooled: 0), from: agent,
            address: "10.0.0.2")
        var machine = try #require(try await service.machine(named: "web1"))
        #expect(machine.machine.network.route == .gateway)
        #expect(machine.machine.network.gateway == "gateway-10-0-0-2-8080")
        #expect(machine.solutions[.changeTracking] != nil)
        #expect(try await service.agents().first?.version == "2")
        try await service.agentHeartbeat(
            AgentHeartbeat(version: "2", gateway: nil, droppedBatches: 0, spooled: 0), from: agent, address: "10.0.0.4")
        machine = try #require(try await service.machine(named: "web1"))
        #expect(machine.machine.network.route == .direct && machine.machine.network.gateway == nil)
        #expect(machine.solutions[.changeTracking] != nil)
    }
}
