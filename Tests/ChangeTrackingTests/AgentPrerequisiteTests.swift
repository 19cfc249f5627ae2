import Automation
import ChangeTracking
import Foundation
import Testing

/// An agent machine's network prerequisite is its agent having reached the service lately.
struct AgentPrerequisiteTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func agent(seen: TimeInterval?, revoked: Bool = false) -> AgentInfo {
        AgentInfo(
            machine: "web1", credentialId: "id", enrolledAt: now.addingTimeInterval(-3600), version: "1.0.0",
            route: .gateway, address: "10.0.0.5", lastSeenAt: seen.map { now.addingTimeInterval(-$0) },
            revokedAt: revoked ? now : nil)
    }

    @Test func aRecentHeartbeatMeetsItAndAStaleOneNamesTheRoute() {
        #expect(Prerequisites.agentProblems(Self.agent(seen: 30), machine: "web1", now: Self.now).isEmpty)
        let stale = Prerequisites.agentProblems(Self.agent(seen: 3600), machine: "web1", now: Self.now)
        #expect(stale.count == 1 && stale[0].contains("route gateway"), "\(stale)")
        #expect(Prerequisites.agentProblems(Self.agent(seen: nil), machine: "web1", now: Self.now).count == 1)
        #expect(
            Prerequisites.agentProblems(Self.agent(seen: 10, revoked: true), machine: "web1", now: Self.now)[0]
                .contains("revoked"))
        #expect(Prerequisites.agentProblems(nil, machine: "web1", now: Self.now)[0].contains("no agent"))
    }
}
