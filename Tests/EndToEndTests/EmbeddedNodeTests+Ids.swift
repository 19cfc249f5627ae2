import Foundation
import Testing

extension EmbeddedNodeTests {
    /// A second scheduler under a node id a live one holds does not start: both would renew
    /// and run each other's jobs.
    @Test(.timeLimit(.minutes(2))) func aSecondProcessUnderALiveNodesIdIsRefused() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        let first = try cli.start(["scheduler", "--node", "only-one", "--lease", "10", "--grace", "1"])
        defer {
            first.terminate()
            first.waitUntilExit()
        }
        let registered = try await wait(seconds: 30) { try nodes(cli)["only-one"] != nil }
        try #require(registered)
        let second = try await cli.runAsync("scheduler", "--node", "only-one", "--lease", "10", "--grace", "1")
        #expect(second.status == 74)
        #expect(second.stderr.contains("the node id 'only-one' is in use by process \(first.processIdentifier)"))
    }
}
