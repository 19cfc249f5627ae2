import Foundation
import Testing

/// Leases on the embedded store: `runbook serve` and `runbook scheduler` on a folder are nodes.
/// A server paused past its lease (alive, so no process-id check can tell) has its job recovered
/// by another node, with the reason naming it; resumed, it cannot write over the recovery.
@Suite(.serialized) struct EmbeddedNodeTests {
    @Test(.timeLimit(.minutes(3))) func aPausedServersJobIsRecoveredAfterItsLeaseAndStaysRecovered() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let folder = cli.store + "-books"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try """
        name: nap
        steps:
          - name: wait
            action: wait
            with:
              seconds: 90
          - name: say
            action: log
            with:
              message: woke
        """.write(toFile: folder + "/nap.yaml", atomically: true, encoding: .utf8)
        try #require(try cli.run("publish", folder + "/nap.yaml").status == 0)
        let server = try PortalServer.start(cli, options: ["--node", "web1", "--lease", "3"])
        defer { server.stop() }
        let token = try server.token("nodes")
        let id = UUID().uuidString.lowercased()
        let account =
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/runbook-local/providers/"
            + "Microsoft.Automation/automationAccounts/automation-default"
        let created = try await Spawn.run([
            "/usr/bin/curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "-H",
            "Authorization: Bearer \(token)", "-H", "Content-Type: application/json",
            server.url + account + "/jobs/\(id)?api-version=2024-10-23", "--data",
            #"{"properties":{"runbook":{"name":"nap"}}}"#,
        ])
        try #require(created.stdout.hasSuffix("201"), "\(created.stdout)")

        // The server's node holds the job it runs.
        let held = try await wait(seconds: 30) { try nodes(cli)["web1"]?.contains(id) == true }
        let listed = try cli.run("nodes", "list").stdout
        try #require(held, "\(listed)")

        // A heartbeat or two while it runs, then paused past its lease: another node recovers the
        // job, naming the paused one.
        try await Task.sleep(for: .milliseconds(2500))
        kill(server.process.processIdentifier, SIGSTOP)
        let other = cli.process(["scheduler", "--node", "other", "--lease", "3", "--poll", "0.2"])
        other.standardOutput = FileHandle.nullDevice
        other.standardError = FileHandle.nullDevice
        try other.run()
        defer {
            other.terminate()
            other.waitUntilExit()
        }
        let recovered = try await wait(seconds: 30) { try status(cli, id).status == "Failed" }
        kill(server.process.processIdentifier, SIGCONT)
        let seen = try status(cli, id)
        try #require(recovered, "\(seen)")
        let ended = try status(cli, id)
        #expect(
            ended.exception.hasPrefix("node web1 (pid \(server.process.processIdentifier) on ")
                && ended.exception.contains("stopped heartbeating"), "\(ended.exception)")
        // It ended when its node was last heard holding it, not when it started (a wait writes nothing).
        #expect(ended.endedAt > ended.startedAt, "\(ended)")

        // Resumed, the server's runner finds its job ended (its stop poll, four times a second, reads
        // an ended job as a stop): no status, no record after the recovery.
        try await Task.sleep(for: .seconds(5))
        #expect(try status(cli, id).status == "Failed")
        let output = try cli.run("jobs", "output", id)
        #expect(!output.stdout.contains("woke") && !output.stdout.contains("stopped"), "\(output.stdout)")
        #expect(try nodes(cli)["web1"] == [])
    }

    /// Polls `condition` every 200 ms until it holds or `seconds` pass.
    func wait(seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try condition()
    }

    func nodes(_ cli: CLI) throws -> [String: [String]] {
        let listed = try cli.run("nodes", "list", "--json")
        let nodes = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]] ?? []
        return Dictionary(
            nodes.compactMap { node in (node["id"] as? String).map { ($0, node["jobs"] as? [String] ?? []) } },
            uniquingKeysWith: { first, _ in first })
    }

    private func status(_ cli: CLI, _ id: String) throws -> (
        status: String, exception: String, startedAt: String, endedAt: String
    ) {
        let shown = try cli.run("jobs", "show", id, "--json")
        let job = try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any] ?? [:]
        return (
            job["status"] as? String ?? "", job["exception"] as? String ?? "", job["startedAt"] as? String ?? "",
            job["endedAt"] as? String ?? ""
        )
    }
}
