import Foundation
import Testing

/// Issue 22, item 6: a database that goes away is the service's trouble, not the client's: the
/// API answers 503 with `Retry-After` and Azure's `ServiceUnavailable` code (never 400), and a
/// command exits 74; when the database is back, the same request succeeds.
/// In the serialized suite of the other fault tests: one outage at a time.
extension NodeFaultTests {
    @Test(.enabled(if: server != nil, skipNote), .timeLimit(.minutes(3)))
    func aLostDatabaseIs503WithRetryAfterThenServesAgain() async throws {
        let postgres = try await OwnPostgres()
        let cli = CLI()
        defer { cli.cleanUp() }
        do {
            try await outage(postgres, cli)
        } catch {
            await postgres.stop()
            throw error
        }
        await postgres.stop()
    }

    private func outage(_ postgres: OwnPostgres, _ cli: CLI) async throws {
        let created = try cli.run("token", "create", "ops", "--json", "--store", postgres.url)
        try #require(created.status == 0, "\(created.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any]
        let token = try #require(object?["token"] as? String)
        let server = try PortalServer.start(cli, options: ["--store", postgres.url, "--node", "api", "--lease", "30"])
        defer { server.stop() }
        let jobs =
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/runbook-local/providers/"
            + "Microsoft.Automation/automationAccounts/automation-default/jobs?api-version=2024-10-23"
        let bearer = "Authorization: Bearer \(token)"
        #expect(try server.request(jobs, headers: [bearer]).status == 200)

        try await postgres.halt()
        // Tokens are checked against the store too: whichever call meets the outage first says so.
        let down = try server.request(jobs, headers: [bearer])
        #expect(down.status == 503, "\(down.status) \(down.body)")
        #expect(down.header("retry-after") != nil)
        #expect(down.body.contains("\"code\":\"ServiceUnavailable\""), "\(down.body)")
        let command = try cli.run("jobs", "list", "--store", postgres.url)
        #expect(command.status == 74, "\(command.stderr)")

        try await postgres.restart()
        var back = false
        for _ in 0..<60 where !back {
            back = (try? server.request(jobs, headers: [bearer]).status) == 200
            if !back { try await Task.sleep(for: .milliseconds(500)) }
        }
        #expect(back, "the API serves again once the database is back")
    }
}
