import Automation
import Foundation
import Testing

/// A schedule's settings hold for the jobs its fires start, whichever node runs them.
/// In the same serialized suite as the other node tests: one set of nodes at a time.
extension NodeFaultTests {
    @Test(.enabled(if: server != nil, skipNote), .timeLimit(.minutes(3)))
    func aFiresJobRunsUnderItsSchedulesTimeoutOnANode() async throws {
        let cluster = try Cluster(server: try #require(Self.server), slowSeconds: 120) { cli in
            let made = try cli.run(
                "schedule", "create", "limited", "--frequency", "Hour", "--runbook", "slow", "--timeout", "2s")
            try #require(made.status == 0, "\(made.stderr)")
        }
        defer { cluster.tearDown() }
        // One pass a day ahead: the latest missed fire starts (run-once), its job waits in New.
        let later = Date().addingTimeInterval(86_400).formatted(.iso8601)
        let pass = try cluster.cli.run("scheduler", "--store", cluster.url, "--once", "--now", later)
        try #require(pass.status == 0, "\(pass.stderr)")
        #expect(try await cluster.count("SELECT COUNT(*) FROM job WHERE status = 'New'") == 1)
        try cluster.start("a")
        let ended = try await cluster.wait(seconds: 60) {
            try await cluster.count("SELECT COUNT(*) FROM job WHERE status IN ('Completed', 'Failed', 'Stopped')") == 1
        }
        try #require(ended, "\(cluster.log("a"))")
        let outcome = try await cluster.column(
            "SELECT status || ' ' || convert_from(exception, 'UTF8') FROM job WHERE started_by = 'limited'")
        #expect(outcome == ["Stopped job stopped: it ran longer than its 2s limit"], "\(cluster.log("a"))")
    }
}
