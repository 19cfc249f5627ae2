import Foundation
import Testing

/// Several hosts on this machine (network namespaces joined by a bridge, scripts/netns-lab.sh):
/// the service on 10.77.0.3:443, a gateway on 10.77.0.2:8080, an agent that reaches the service
/// directly and one whose firewall lets it reach only the gateway. Needs root, iproute2 and
/// nftables, which .ci/run installs.
@Suite(.serialized) struct NetworkLabEndToEndTests {
    /// Runs `argv` in a namespace; waits for it.
    static func exec(_ namespace: String, _ arguments: [String]) throws -> CLI.Result {
        try TestTools.run("/usr/sbin/ip", ["netns", "exec", namespace] + arguments)
    }

    /// Starts `argv` in a namespace (output to `log`), returning the process.
    static func start(_ namespace: String, _ arguments: [String], log: String, environment: [String: String] = [:])
        throws -> Process
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "exec", namespace] + arguments
        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        variables.removeValue(forKey: "RUNBOOK_PATH")
        process.environment = variables
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test(.timeLimit(.minutes(5))) func agentsReportDirectlyAndThroughTheGatewayAcrossNamespaces() throws {
        guard LabHosts.usable else {
            Issue.record("this test needs root and nftables (.ci/run installs them)")
            return
        }
        let hosts = try LabHosts(prefix: "rb")
        defer { hosts.close() }
        let lab = hosts.name
        let cli = CLI()
        defer { cli.cleanUp() }
        let base = cli.store + "-lab"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("tracking", "add", "file", "app", "--path", "/etc/app.conf").status == 0)
        let token = try Self.token(cli)
        let environment = ["RUNBOOK_STORE": cli.store]

        hosts.processes["serve"] = try Self.start(
            "\(lab)-svc",
            [CLI.binary, "serve", "--address", "10.77.0.3", "--port", "443", "--tls-self-signed", "--poll", "0.2"],
            log: base + "/serve.log", environment: environment)
        hosts.processes["gateway"] = try Self.start(
            "\(lab)-gw", [CLI.binary, "gateway", "--listen", "10.77.0.2:8080", "--allow", "10.77.0.3"],
            log: base + "/gateway.log")
        try AgentEndToEndTests.eventually("the service") {
            try FileManager.default.fileExists(atPath: cli.store + "/tls.crt")
                && (Self.exec(
                    "\(lab)-a1",
                    [
                        "curl", "-sS", "-o", "/dev/null", "--max-time", "2", "--cacert", cli.store + "/tls.crt",
                        "https://10.77.0.3/healthz",
                    ]
                ).status == 0)
        }

        // a2 cannot reach the service but through the gateway, which refuses anything but
        // CONNECT to an allowed host's port 443.
        let direct = try Self.exec("\(lab)-a2", ["curl", "-sS", "--max-time", "3", "-k", "https://10.77.0.3/healthz"])
        #expect(direct.status != 0)
        let tunnelled = try Self.exec(
            "\(lab)-a2",
            [
                "curl", "-sS", "--max-time", "5", "-p", "-x", "http://10.77.0.2:8080", "--cacert",
                cli.store + "/tls.crt",
                "https://10.77.0.3/healthz",
            ])
        #expect(tunnelled.status == 0 && tunnelled.stdout.contains("ok"), "\(tunnelled.stdout)")
        let otherPort = try Self.exec(
            "\(lab)-a2",
            ["curl", "-sS", "--max-time", "5", "-p", "-x", "http://10.77.0.2:8080", "http://10.77.0.3:22/"])
        #expect(otherPort.status != 0 && otherPort.stdout.contains("403"), "\(otherPort.stdout)")
        let plain = try Self.exec(
            "\(lab)-a2",
            [
                "curl", "-sS", "--max-time", "5", "-o", "/dev/null", "-w", "%{http_code}", "-x",
                "http://10.77.0.2:8080", "http://10.77.0.3/",
            ])
        #expect(plain.stdout == "405", "\(plain.stdout)")

        var roots: [String: String] = [:]
        for (host, options) in [("a1", [String]()), ("a2", ["--proxy", "http://10.77.0.2:8080"])] {
            let root = try AgentEndToEndTests.machineRoot(base + "/" + host)
            roots[host] = root
            hosts.processes[host] = try Self.start(
                "\(lab)-\(host)",
                [
                    CLI.binary, "agent", "--server", "https://10.77.0.3", "--ca", cli.store + "/tls.crt", "--token",
                    token, "--state", base + "/\(host)-state", "--root", root, "--name", "lab-\(host)",
                    "--interval", "1s",
                ] + options, log: base + "/\(host).log")
        }
        try AgentEndToEndTests.eventually("both enrolments") {
            AgentEndToEndTests.json(try cli.run("agent", "list", "--json").stdout).count == 2
        }
        let agents = AgentEndToEndTests.json(try cli.run("agent", "list", "--json").stdout)
        #expect(agents.first { ($0["machine"] as? String) == "lab-a2" }?["route"] as? String == "gateway")
        #expect(agents.first { ($0["machine"] as? String) == "lab-a1" }?["route"] as? String == "direct")
        // The address is the one the service saw: a1's own, and the gateway's for a2.
        #expect(agents.first { ($0["machine"] as? String) == "lab-a1" }?["address"] as? String == "10.77.0.4")
        #expect(agents.first { ($0["machine"] as? String) == "lab-a2" }?["address"] as? String == "10.77.0.2")
        let enable = try cli.run("run", "enable-tracking", "-p", "machines=lab-a1,lab-a2")
        #expect(enable.status == 0, "\(enable.stdout) \(enable.stderr)")
        try AgentEndToEndTests.eventually("both baselines") {
            let inventory = try cli.run("inventory", "--json").stdout
            return inventory.contains("lab-a1") && inventory.contains("lab-a2")
        }
        for root in roots.values {
            try "a=2\n".write(toFile: root + "/etc/app.conf", atomically: true, encoding: .utf8)
        }
        try AgentEndToEndTests.eventually("a change from each machine") {
            let rows = AgentEndToEndTests.json(try cli.run("changes", "--json").stdout)
            let computers = Set(rows.compactMap { $0["Computer"] as? String })
            return computers.isSuperset(of: ["lab-a1", "lab-a2"])
        }
        let gatewayLog = (try? String(contentsOfFile: base + "/gateway.log", encoding: .utf8)) ?? ""
        #expect(gatewayLog.contains("event=103"), "\(gatewayLog)")
        #expect(gatewayLog.contains("event=105") && gatewayLog.contains("event=104"), "\(gatewayLog)")
    }

    /// Two workers of one group, one direct and one behind the gateway: forty jobs queued for
    /// the group run once each, spread over both; a worker killed with kill -9 mid-job has its
    /// job recovered (naming it) and run again on the other; a stop from the API reaches a step
    /// running behind the gateway; a group with no worker has its job Suspended after the window.
    @Test(.timeLimit(.minutes(6))) func workersDirectAndBehindTheGatewayShareAGroupsJobs() throws {
        guard LabHosts.usable else {
            Issue.record("this test needs root and nftables (.ci/run installs them)")
            return
        }
        let hosts = try LabHosts(prefix: "rw")
        defer { hosts.close() }
        let lab = hosts.name
        let cli = CLI()
        defer { cli.cleanUp() }
        let base = cli.store + "-lab"
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: base) }
        #expect(try cli.run("init").status == 0)
        let runbooks = [
            "quick": "name: quick\nsteps:\n  - name: pause\n    action: wait\n    with: { seconds: 1 }\n",
            "slow": "name: slow\nsteps:\n  - name: pause\n    action: wait\n    with: { seconds: 300 }\n",
        ]
        for (name, text) in runbooks {
            try text.write(toFile: "\(base)/\(name).yaml", atomically: true, encoding: .utf8)
        }
        let token = try Self.token(cli)
        hosts.processes["serve"] = try Self.start(
            "\(lab)-svc",
            [
                CLI.binary, "serve", "--address", "10.77.0.3", "--port", "443", "--tls-self-signed", "--poll", "0.2",
                "--lease", "3", "--worker-wait", "10s",
            ],
            log: base + "/serve.log", environment: ["RUNBOOK_STORE": cli.store])
        hosts.processes["gateway"] = try Self.start(
            "\(lab)-gw", [CLI.binary, "gateway", "--listen", "10.77.0.2:8080", "--allow", "10.77.0.3"],
            log: base + "/gateway.log")
        try AgentEndToEndTests.eventually("the service") {
            FileManager.default.fileExists(atPath: cli.store + "/tls.crt")
        }
        func worker(_ host: String) throws -> Process {
            let options = host == "a2" ? ["--proxy", "http://10.77.0.2:8080"] : []
            return try Self.start(
                "\(lab)-\(host)",
                [
                    CLI.binary, "agent", "--server", "https://10.77.0.3", "--ca", cli.store + "/tls.crt", "--token",
                    token, "--state", base + "/\(host)-state", "--root",
                    try AgentEndToEndTests.machineRoot(base + "/" + host), "--name", "lab-\(host)", "--interval",
                    "10m", "--group", "lab", "--concurrency", "4",
                ] + options, log: base + "/\(host).log")
        }
        for host in ["a1", "a2"] { hosts.processes[host] = try worker(host) }
        try AgentEndToEndTests.eventually("both workers in the group") {
            AgentEndToEndTests.json(try cli.run("workers", "list", "--json").stdout).count == 2
        }

        // Forty jobs: each runs once, on one of the two workers, and both take some.
        var ids: [String] = []
        for _ in 0..<40 {
            if let id = WorkerEndToEndTests.queued(try cli.run("run", base + "/quick.yaml", "--run-on", "lab")) {
                ids.append(id)
            }
        }
        #expect(ids.count == 40)
        try AgentEndToEndTests.eventually("forty jobs completed") {
            let jobs = AgentEndToEndTests.json(try cli.run("jobs", "list", "--json", "--limit", "100").stdout)
            return jobs.filter { ($0["status"] as? String) == "Completed" }.count == 40
        }
        var workers: [String: Int] = [:]
        for id in ids {
            let job = try WorkerEndToEndTests.jobJSON(cli, id)
            let history = (job["statusHistory"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
            #expect(history == ["New", "Activating", "Running", "Completed"], "\(id): \(history)")
            workers[job["worker"] as? String ?? "?", default: 0] += 1
        }
        #expect(Set(workers.keys) == ["lab-a1", "lab-a2"], "\(workers)")

        // kill -9 of the worker that runs a slow job: recovered after its lease, naming the
        // worker, and run again from its step on the other worker.
        let slow = try #require(WorkerEndToEndTests.queued(try cli.run("run", base + "/slow.yaml", "--run-on", "lab")))
        try AgentEndToEndTests.eventually("the slow job to run") {
            try WorkerEndToEndTests.jobJSON(cli, slow)["status"] as? String == "Running"
        }
        let first = try #require(try WorkerEndToEndTests.jobJSON(cli, slow)["worker"] as? String)
        let victim = first == "lab-a1" ? "a1" : "a2"
        let survivor = first == "lab-a1" ? "lab-a2" : "lab-a1"
        let killed = try #require(hosts.processes[victim])
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        // A worker's lease lasts 90 s (it polls at least every 30 s): then the job is recovered.
        try AgentEndToEndTests.eventually("the slow job restarted on the other worker", seconds: 150) {
            let job = try WorkerEndToEndTests.jobJSON(cli, slow)
            return job["restarts"] as? Int == 1 && job["status"] as? String == "Running"
                && job["worker"] as? String == survivor
        }
        let restarted = try cli.run("jobs", "output", slow).stdout
        #expect(restarted.contains("the hybrid worker \(first)"), "\(restarted)")
        let history = (try WorkerEndToEndTests.jobJSON(cli, slow)["statusHistory"] as? [[String: Any]] ?? [])
            .compactMap { $0["status"] as? String }
        #expect(history == ["New", "Activating", "Running", "New", "Activating", "Running"], "\(history)")
        // A stop through the API (Azure's Job_Stop) reaches the step on the worker.
        let contributor = try cli.run("token", "create", "ops", "--json").stdout
        let bearer = try #require(
            (try JSONSerialization.jsonObject(with: Data(contributor.utf8)) as? [String: Any])?["token"] as? String)
        let account =
            "https://10.77.0.3/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/runbook-local/"
            + "providers/Microsoft.Automation/automationAccounts/automation-default"
        let stop = try Self.exec(
            "\(lab)-svc",
            [
                "curl", "-sS", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", "-H",
                "Authorization: Bearer \(bearer)", "-H", "Content-Length: 0", "--cacert", cli.store + "/tls.crt",
                account + "/jobs/\(slow)/stop?api-version=2024-10-23",
            ])
        #expect(stop.stdout == "200", "\(stop.stdout) \(stop.stderr)")
        try AgentEndToEndTests.eventually("the slow job to stop on its worker") {
            try WorkerEndToEndTests.jobJSON(cli, slow)["status"] as? String == "Stopped"
        }

        // A group no worker serves any more: its job is Suspended once the window (10 s) passed
        // with no worker of it seen, saying why.
        hosts.processes[survivor == "lab-a1" ? "a1" : "a2"].map { kill($0.processIdentifier, SIGTERM) }
        hosts.processes[survivor == "lab-a1" ? "a1" : "a2"]?.waitUntilExit()
        let orphan = try #require(
            WorkerEndToEndTests.queued(try cli.run("run", base + "/quick.yaml", "--run-on", "lab")))
        try AgentEndToEndTests.eventually("the job without a worker to be Suspended") {
            try WorkerEndToEndTests.jobJSON(cli, orphan)["status"] as? String == "Suspended"
        }
        let exception = try WorkerEndToEndTests.jobJSON(cli, orphan)["exception"] as? String ?? ""
        #expect(exception.contains("no worker of the hybrid worker group 'lab' has been seen since"), "\(exception)")
    }

    /// An agent token's text.
    static func token(_ cli: CLI) throws -> String {
        let result = try cli.run("token", "create", "lab", "--role", "agent", "--json")
        guard let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
            let token = object["token"] as? String
        else { throw CLIError(message: "token create failed: \(result.stderr)") }
        return token
    }
}

/// The namespaces of one test (scripts/netns-lab.sh) and the processes it started in them:
/// `close` kills those and deletes the namespaces.
final class LabHosts {
    static var usable: Bool { getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft") }

    let name: String
    var processes: [String: Process] = [:]
    private let script = CLI.packageRoot + "/scripts/netns-lab.sh"

    init(prefix: String) throws {
        name = prefix + String(UInt32.random(in: 0..<1_000_000))
        _ = try? TestTools.run(script, ["down", name])
        let up = try TestTools.run(script, ["up", name])
        guard up.status == 0 else { throw CLIError(message: "netns-lab.sh up \(name) failed: \(up.stderr)") }
    }

    func close() {
        for process in processes.values where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        _ = try? TestTools.run(script, ["down", name])
    }
}
