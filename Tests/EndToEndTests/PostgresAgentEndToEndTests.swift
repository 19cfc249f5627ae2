import Foundation
import Testing

/// An agent reporting to a `runbook serve` over PostgreSQL: the same enrolment, uploads and
/// changes as on a folder.
extension PostgresStoreEndToEndTests {
    @Test(.enabled(if: serverURL != nil, skipNote), .timeLimit(.minutes(5)))
    func anAgentReportsToANodeOverPostgreSQL() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let url = try Self.freshURL()
        #expect(try cli.run("init", "--store", url).status == 0)
        #expect(
            try cli.run("tracking", "add", "file", "app", "--path", "/etc/app.conf", "--store", url).status == 0)
        let base = cli.store + "-agent"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let root = try AgentEndToEndTests.machineRoot(base)
        let server = try PortalServer.start(cli, options: ["--store", url])
        defer { server.stop() }
        let created = try cli.run("token", "create", "enrol", "--role", "agent", "--json", "--store", url)
        let token = try #require(
            (try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])?["token"] as? String)
        let agent = cli.process([
            "agent", "--server", server.url, "--token", token, "--state", base + "/state", "--root", root, "--name",
            "pg-web", "--interval", "1s",
        ])
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) } }
        try AgentEndToEndTests.eventually("the enrolment") {
            AgentEndToEndTests.json(try cli.run("agent", "list", "--json", "--store", url).stdout).count == 1
        }
        #expect(try cli.run("run", "enable-tracking", "-p", "machines=pg-web", "--store", url).status == 0)
        try AgentEndToEndTests.eventually("the baseline") {
            try cli.run("inventory", "--machine", "pg-web", "--store", url).stdout.contains("/etc/app.conf")
        }
        try "a=2\n".write(toFile: root + "/etc/app.conf", atomically: true, encoding: .utf8)
        try AgentEndToEndTests.eventually("the change") {
            AgentEndToEndTests.json(try cli.run("changes", "--machine", "pg-web", "--json", "--store", url).stdout)
                .contains { ($0["ChangeCategory"] as? String) == "Modified" }
        }
        let heartbeats = try cli.run(
            "query", "Heartbeat | where Computer == 'pg-web' | count", "--store", url)
        #expect(heartbeats.status == 0, "\(heartbeats.stderr)")
    }
}
