import Foundation
import Testing

/// `runbook agent` against a real `runbook serve` over TLS on loopback: enrolment, drift that
/// reaches ConfigurationChange once across a service killed with kill -9, the credentials'
/// boundaries (an agent token on the ARM API, an ARM token on the agent's routes), bad uploads
/// refused whole, and a revoked agent stopping.
@Suite(.serialized) struct AgentEndToEndTests {
    /// A folder that stands for a Debian machine's `/`.
    static func machineRoot(_ base: String) throws -> String {
        let root = base + "/root"
        for folder in ["etc", "var/lib/dpkg"] {
            try FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
        }
        try "ID=debian\nVERSION_ID=\"12\"\n".write(toFile: root + "/etc/os-release", atomically: true, encoding: .utf8)
        try "Package: hello\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n".write(
            toFile: root + "/var/lib/dpkg/status", atomically: true, encoding: .utf8)
        try "a=1\n".write(toFile: root + "/etc/app.conf", atomically: true, encoding: .utf8)
        return root
    }

    /// Waits up to `seconds` (a minute) for `condition`, asking every 200 ms.
    static func eventually(_ what: String, seconds: Double = 60, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        Issue.record("timed out waiting for \(what)")
        throw CLIError(message: "timed out waiting for \(what)")
    }

    /// Each command's `--json` output checked against its schema in schemas/json/.
    static func matchSchemas(_ cli: CLI, _ commands: [(schema: String, arguments: [String])]) throws {
        guard let checker = TestTools.path("check-jsonschema") else {
            Issue.record(Comment(rawValue: TestTools.missing("check-jsonschema")))
            return
        }
        for (schema, arguments) in commands {
            let file = cli.store + "-\(schema).json"
            try Data(try cli.run(arguments).stdout.utf8).write(to: URL(fileURLWithPath: file))
            defer { try? FileManager.default.removeItem(atPath: file) }
            let check = try TestTools.run(
                checker, ["--schemafile", CLI.packageRoot + "/schemas/json/\(schema).schema.json", file])
            #expect(check.status == 0, "\(arguments.joined(separator: " ")): \(check.stdout)")
        }
    }

    static func json(_ text: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] ?? []
    }

    /// Modified rows of /etc/app.conf in ConfigurationChange.
    static func modifications(_ cli: CLI) throws -> Int {
        let result = try cli.run("changes", "--machine", "web7", "--json")
        return json(result.stdout).filter {
            ($0["ChangeCategory"] as? String) == "Modified" && ($0["FileSystemPath"] as? String) == "/etc/app.conf"
        }.count
    }

    /// One request with curl: status and body.
    static func curl(_ url: String, method: String = "GET", authorization: String?, body: String? = nil) throws -> (
        Int, String
    ) {
        var arguments = ["-sS", "-k", "-o", "-", "-w", "\n%{http_code}", "--max-time", "30", "-X", method]
        if let authorization { arguments += ["-H", "Authorization: " + authorization] }
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        arguments.append(url)
        let result = try TestTools.run("/usr/bin/curl", arguments)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test(.timeLimit(.minutes(5))) func anAgentsDriftReachesConfigurationChangeOnceAcrossAKilledService() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("tracking", "add", "file", "app", "--path", "/etc/app.conf").status == 0)
        let base = cli.store + "-agent"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let root = try Self.machineRoot(base)
        var server = try PortalServer.start(cli, tls: true)
        defer { server.stop() }
        let port = String(server.url.split(separator: ":").last ?? "")
        let enrolment = try server.token("enrol", role: "agent")

        // An agent token is no key to the ARM API.
        let account =
            server.url + "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/"
            + "runbook-local/providers/Microsoft.Automation/automationAccounts/automation-default?api-version=2024-10-23"
        let (armStatus, armBody) = try Self.curl(account, authorization: "Bearer " + enrolment)
        #expect(armStatus == 403 && armBody.contains("agent token"), "\(armStatus) \(armBody)")

        let agent = cli.process([
            "agent", "--server", server.url, "--ca", cli.store + "/tls.crt", "--token", enrolment, "--state",
            base + "/state", "--root", root, "--name", "web7", "--interval", "1s",
        ])
        let agentErrors = Pipe()
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = agentErrors
        try agent.run()
        defer { if agent.isRunning { agent.terminate() } }
        try Self.eventually("the enrolment") {
            Self.json(try cli.run("agent", "list", "--json").stdout).contains { ($0["machine"] as? String) == "web7" }
        }
        let identity = try String(contentsOfFile: base + "/state/identity.json", encoding: .utf8)
        let mode = try FileManager.default.attributesOfItem(atPath: base + "/state/identity.json")[.posixPermissions]
        #expect((mode as? Int) == 0o600)
        #expect(try cli.run("run", "enable-tracking", "-p", "machines=web7").status == 0)
        // The lists show the agent (its version and heartbeat), and their JSON has its schema.
        let listed = try cli.run("machine", "list").stdout
        #expect(listed.contains("AGENT") && listed.contains(", heartbeat 20"), "\(listed)")
        let shown = try cli.run("machine", "show", "web7").stdout
        #expect(shown.contains("Agent:            ") && shown.contains(", heartbeat 20"), "\(shown)")
        try Self.matchSchemas(
            cli,
            [
                ("agent", ["agent", "list", "--json"]), ("machine", ["machine", "list", "--json"]),
                ("machine", ["machine", "show", "web7", "--json"]),
            ])
        // The first upload is the machine's baseline; the next carries the drift.
        try Self.eventually("the baseline") {
            try cli.run("inventory", "--machine", "web7").stdout.contains("/etc/app.conf")
        }
        try "a=2\n".write(toFile: root + "/etc/app.conf", atomically: true, encoding: .utf8)
        try Self.eventually("the first change") { try Self.modifications(cli) == 1 }

        // The service dies; the agent keeps collecting into its spool, and the change arrives
        // once the service is back on the same port.
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        try "a=3\n".write(toFile: root + "/etc/app.conf", atomically: true, encoding: .utf8)
        Thread.sleep(forTimeInterval: 3)
        server = try PortalServer.start(cli, tls: true, options: ["--port", port])
        try Self.eventually("the change made while the service was down") { try Self.modifications(cli) == 2 }
        Thread.sleep(forTimeInterval: 3)
        #expect(try Self.modifications(cli) == 2, "a retried upload recorded its changes twice")

        // The agent's routes: an ARM token is not an agent credential; bad uploads store nothing.
        let batches = server.url + "/agent/v1/batches"
        let contributor = try server.token("ops")
        let (wrongStatus, _) = try Self.curl(
            batches, method: "POST", authorization: "Bearer " + contributor, body: "{}")
        #expect(wrongStatus == 401)
        guard let range = identity.range(of: #"rba_[A-Za-z0-9_-]+"#, options: .regularExpression) else {
            Issue.record("no credential in \(identity)")
            return
        }
        let credential = "Agent " + identity[range]
        let before = try cli.run("changes", "--json").stdout
        for item in [#""key":"etc/relative""#, #""key":"/etc/a\u0000b""#, #""key":"/etc/../../x""#] {
            let body =
                #"{"sequence":999,"full":false,"configurationVersion":1,"collectedAt":"2026-01-01T00:00:00Z","#
                + #""items":[{"type":"Files",\#(item),"fields":{}}],"removed":[],"types":[]}"#
            let (status, answer) = try Self.curl(batches, method: "POST", authorization: credential, body: body)
            #expect(status == 400, "\(item): \(status) \(answer)")
        }
        // An agent cannot post for another machine: an upload names none, the credential does.
        let (enrolStatus, enrolled) = try Self.curl(
            server.url + "/agent/v1/enroll", method: "POST", authorization: "Bearer " + enrolment,
            body: #"{"name":"db9","os":"Debian 12","addresses":[],"version":"1","gateway":null}"#)
        #expect(enrolStatus == 201, "\(enrolled)")
        let other = (Self.json("[" + enrolled + "]").first?["credential"] as? String).map { "Agent " + $0 } ?? ""
        let inventoryBefore = try cli.run("inventory", "--machine", "web7", "--json").stdout
        let (posing, posed) = try Self.curl(
            batches, method: "POST", authorization: other,
            body: #"{"machine":"web7","computer":"web7","sequence":1,"full":true,"configurationVersion":1,"#
                + #""collectedAt":"2026-01-01T00:00:00Z","items":[{"type":"Files","key":"/etc/planted","#
                + #""fields":{}}],"removed":[],"types":["Files"]}"#)
        #expect(posing == 200 && posed.contains("notEnabled"), "\(posing) \(posed)")
        #expect(try cli.run("inventory", "--machine", "web7", "--json").stdout == inventoryBefore)
        // A small gzip body that inflates past the cap is refused before it is held.
        let bomb = base + "/bomb.gz"
        let made = try TestTools.run("/bin/sh", ["-c", "head -c 100000000 /dev/zero | gzip -c > '\(bomb)'"])
        #expect(made.status == 0)
        let bombed = try TestTools.run(
            "/usr/bin/curl",
            [
                "-sS", "-k", "-o", "-", "-w", "\n%{http_code}", "--max-time", "30", "-H",
                "Authorization: " + credential,
                "-H", "Content-Type: application/json", "-H", "Content-Encoding: gzip", "--data-binary", "@" + bomb,
                batches,
            ])
        #expect(bombed.stdout.hasSuffix("400") && bombed.stdout.contains("inflates to more than"), "\(bombed.stdout)")
        #expect(try cli.run("changes", "--json").stdout == before)

        // Revoked: the agent's next request is refused and it stops, saying why.
        #expect(try cli.run("agent", "revoke", "web7").status == 0)
        try Self.eventually("the revoked agent to stop") { !agent.isRunning }
        #expect(agent.terminationStatus == 77)
        let said = String(decoding: agentErrors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(said.contains("refused this agent's credential"), "\(said)")
    }
}

extension AgentEndToEndTests {
    /// A started `runbook agent` on `root` with state in `state`, every second.
    static func startAgent(_ cli: CLI, url: String, token: String, state: String, root: String, extra: [String] = [])
        throws -> Process
    {
        let agent = cli.process(
            [
                "agent", "--server", url, "--ca", cli.store + "/tls.crt", "--token", token, "--state", state, "--root",
                root, "--name", "web7", "--interval", "1s",
            ] + extra)
        agent.standardOutput = FileHandle.nullDevice
        agent.standardError = FileHandle.nullDevice
        try agent.run()
        return agent
    }

    /// kill -9 of the agent at any moment (before, during or after an upload): each change is
    /// recorded once, none is lost and none doubled.
    @Test(.timeLimit(.minutes(5))) func anAgentKilledAtAnyMomentLosesAndDoublesNothing() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("tracking", "add", "file", "app", "--path", "/etc/app.conf").status == 0)
        let base = cli.store + "-agent"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let root = try Self.machineRoot(base)
        let server = try PortalServer.start(cli, tls: true)
        defer { server.stop() }
        let token = try server.token("enrol", role: "agent")
        var agent = try Self.startAgent(cli, url: server.url, token: token, state: base + "/state", root: root)
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) } }
        try Self.eventually("the enrolment") {
            Self.json(try cli.run("agent", "list", "--json").stdout).count == 1
        }
        #expect(try cli.run("run", "enable-tracking", "-p", "machines=web7").status == 0)
        try Self.eventually("the baseline") {
            try cli.run("inventory", "--machine", "web7").stdout.contains("/etc/app.conf")
        }
        for round in 1...4 {
            try "a=\(round + 1)\n".write(toFile: root + "/etc/app.conf", atomically: true, encoding: .utf8)
            Thread.sleep(forTimeInterval: Double.random(in: 0.2...1.6))
            kill(agent.processIdentifier, SIGKILL)
            agent.waitUntilExit()
            agent = try Self.startAgent(cli, url: server.url, token: token, state: base + "/state", root: root)
            try Self.eventually("change \(round)") { try Self.modifications(cli) >= round }
            #expect(try Self.modifications(cli) == round)
        }
        Thread.sleep(forTimeInterval: 3)
        #expect(try Self.modifications(cli) == 4)
    }

    /// An agent whose state.json was removed (its number of uploads lost) is told by the service
    /// how far its uploads came: it continues after them, so a change made then is recorded, not
    /// dropped as a duplicate.
    @Test(.timeLimit(.minutes(5))) func anAgentWhoseStateWasRemovedContinuesAfterTheServicesNumbers() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("tracking", "add", "file", "app", "--path", "/etc/app.conf").status == 0)
        let base = cli.store + "-agent"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let root = try Self.machineRoot(base)
        let server = try PortalServer.start(cli, tls: true)
        defer { server.stop() }
        let token = try server.token("enrol", role: "agent")
        var agent = try Self.startAgent(cli, url: server.url, token: token, state: base + "/state", root: root)
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) } }
        try Self.eventually("the enrolment") { Self.json(try cli.run("agent", "list", "--json").stdout).count == 1 }
        #expect(try cli.run("run", "enable-tracking", "-p", "machines=web7").status == 0)
        try Self.eventually("the baseline") {
            try cli.run("inventory", "--machine", "web7").stdout.contains("/etc/app.conf")
        }
        for round in 1...3 {
            try "a=\(round + 1)\n".write(toFile: root + "/etc/app.conf", atomically: true, encoding: .utf8)
            try Self.eventually("change \(round)") { try Self.modifications(cli) == round }
        }
        kill(agent.processIdentifier, SIGKILL)
        agent.waitUntilExit()
        try FileManager.default.removeItem(atPath: base + "/state/state.json")
        agent = try Self.startAgent(cli, url: server.url, token: token, state: base + "/state", root: root)
        Thread.sleep(forTimeInterval: 3)
        try "a=9\n".write(toFile: root + "/etc/app.conf", atomically: true, encoding: .utf8)
        try Self.eventually("the change after the reset") { try Self.modifications(cli) == 4 }
    }

    /// Past --spool-max the oldest uploads are dropped while the service is down; once it is
    /// back the agent sends everything, the inventory is the machine's as it is now, and the
    /// heartbeat says how many uploads were dropped.
    @Test(.timeLimit(.minutes(5))) func aFullSpoolDropsTheOldestAndTheServiceCatchesUpWholly() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("tracking", "add", "file", "bench", "--path", "/etc/bench/*").status == 0)
        let base = cli.store + "-agent"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let root = try Self.machineRoot(base)
        try FileManager.default.createDirectory(atPath: root + "/etc/bench", withIntermediateDirectories: true)
        func rewrite(_ round: Int) throws {
            for index in 0..<300 {
                try String(repeating: "\(round)", count: 64).write(
                    toFile: root + "/etc/bench/f\(index)", atomically: false, encoding: .utf8)
            }
        }
        try rewrite(0)
        var server = try PortalServer.start(cli, tls: true)
        defer { server.stop() }
        let port = String(server.url.split(separator: ":").last ?? "")
        let token = try server.token("enrol", role: "agent")
        let agent = try Self.startAgent(
            cli, url: server.url, token: token, state: base + "/state", root: root, extra: ["--spool-max", "65536"])
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) } }
        try Self.eventually("the enrolment") {
            Self.json(try cli.run("agent", "list", "--json").stdout).count == 1
        }
        #expect(try cli.run("run", "enable-tracking", "-p", "machines=web7").status == 0)
        try Self.eventually("the baseline") {
            try cli.run("inventory", "--machine", "web7", "--json").stdout.contains("/etc/bench/f299")
        }
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        for round in 1...4 {
            try rewrite(round)
            Thread.sleep(forTimeInterval: 1.5)
        }
        server = try PortalServer.start(cli, tls: true, options: ["--port", port])
        try Self.eventually("the dropped uploads in the heartbeat") {
            let agents = Self.json(try cli.run("agent", "list", "--json").stdout)
            return (agents.first?["droppedUploads"] as? Int).map { $0 > 0 } ?? false
        }
        // The inventory catches up with the files as they are now (the last round's content).
        let expected = try Self.checksum(root + "/etc/bench/f7")
        try Self.eventually("the inventory as the machine is now") {
            let rows = Self.json(try cli.run("inventory", "--machine", "web7", "--json").stdout)
            return rows.contains {
                ($0["FileSystemPath"] as? String) == "/etc/bench/f7"
                    && ($0["FileContentChecksum"] as? String) == expected
            }
        }
    }

    static func checksum(_ path: String) throws -> String {
        let result = try TestTools.run("/usr/bin/sha256sum", [path])
        return String(result.stdout.prefix(64))
    }
}

extension AgentEndToEndTests {
    /// The settings change while the service is down and the agent has spooled uploads under
    /// the old ones: the service answers `reconfigure`, the agent collects under the new
    /// settings and sends everything, so no item of the old settings is stored with the new.
    @Test(.timeLimit(.minutes(5))) func settingsChangedWhileTheServiceWasDownAreNeverMixed() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("tracking", "add", "file", "app", "--path", "/etc/app.conf").status == 0)
        let base = cli.store + "-agent"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let root = try Self.machineRoot(base)
        try "old\n".write(toFile: root + "/etc/other.conf", atomically: true, encoding: .utf8)
        var server = try PortalServer.start(cli, tls: true)
        defer { server.stop() }
        let port = String(server.url.split(separator: ":").last ?? "")
        let token = try server.token("enrol", role: "agent")
        let agent = try Self.startAgent(cli, url: server.url, token: token, state: base + "/state", root: root)
        defer { if agent.isRunning { kill(agent.processIdentifier, SIGKILL) } }
        try Self.eventually("the enrolment") { Self.json(try cli.run("agent", "list", "--json").stdout).count == 1 }
        #expect(try cli.run("run", "enable-tracking", "-p", "machines=web7").status == 0)
        try Self.eventually("the baseline") {
            try cli.run("inventory", "--machine", "web7").stdout.contains("/etc/app.conf")
        }
        kill(server.process.processIdentifier, SIGKILL)
        server.process.waitUntilExit()
        // Spooled under the old settings: a change of app.conf.
        try "a=9\n".write(toFile: root + "/etc/app.conf", atomically: true, encoding: .utf8)
        Thread.sleep(forTimeInterval: 2.5)
        // The new settings track other.conf instead.
        #expect(try cli.run("tracking", "remove", "app").status == 0)
        #expect(try cli.run("tracking", "add", "file", "other", "--path", "/etc/other.conf").status == 0)
        server = try PortalServer.start(cli, tls: true, options: ["--port", port])
        try Self.eventually("the inventory under the new settings") {
            let rows = Self.json(try cli.run("inventory", "--machine", "web7", "--json").stdout)
            let paths = Set(rows.compactMap { $0["FileSystemPath"] as? String })
            return paths == ["/etc/other.conf"]
        }
        // The change collected under the old settings was never stored as a modification.
        #expect(try Self.modifications(cli) == 0)
    }
}
