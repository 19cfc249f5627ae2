import Automation
import AutomationStore
import Foundation
import Testing

/// `runbook agent --group` as a Hybrid Runbook Worker against a real `runbook serve` (TLS on
/// loopback): jobs queued with `--run-on` run on the worker once each, a `scan` step scans the
/// worker's own machine (its changes are the job's, and its drift gate works there), a step that
/// needs the account's store fails saying so, a stop reaches the running step, and a worker
/// killed with kill -9 mid-job hands the job over to its next process, which runs it again from
/// its step.
@Suite(.serialized) struct WorkerEndToEndTests {
    static func jobJSON(_ cli: CLI, _ id: String) throws -> [String: Any] {
        let text = try cli.run("jobs", "show", id, "--json").stdout
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }

    static func queued(_ result: CLI.Result) -> String? {
        guard result.status == 0,
            let range = result.stdout.range(of: #"Job [0-9a-f-]{36}"#, options: .regularExpression)
        else { return nil }
        return String(result.stdout[range].dropFirst(4))
    }

    @Test(.timeLimit(.minutes(5))) func aWorkerRunsItsGroupsJobsStopsThemAndSurvivesKill9() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        #expect(try cli.run("tracking", "add", "file", "app", "--path", "/etc/app.conf").status == 0)
        let base = cli.store + "-worker"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let root = try AgentEndToEndTests.machineRoot(base)
        let runbooks = [
            "hello":
                "name: hello\nsteps:\n  - name: say\n    action: log\n    with: { message: hello from the worker }\n",
            "slow": "name: slow\nsteps:\n  - name: pause\n    action: wait\n    with: { seconds: 120 }\n",
            "scanit": "name: scanit\nsteps:\n  - name: scan\n    action: scan\n",
            "gate":
                "name: gate\nsteps:\n  - name: scan\n    action: scan\n    with: { failOnChangesUnder: [/etc] }\n",
            "report": "name: report\nsteps:\n  - name: report\n    action: report-changes\n",
            "mixed": """
            name: mixed
            steps:
              - name: here
                action: log
                with: { message: on a node }
              - name: there
                action: log
                runOn: g1
                with: { message: on the worker }
              - name: back
                action: log
                with: { message: back on a node }
            """,
        ]
        for (name, text) in runbooks {
            try text.write(toFile: "\(base)/\(name).yaml", atomically: true, encoding: .utf8)
        }
        let server = try PortalServer.start(cli, tls: true)
        defer { server.stop() }
        let token = try server.token("enrol", role: "agent")

        // No agent has joined the group: the job is Failed at once, saying so.
        let missing = try cli.run("run", base + "/hello.yaml", "--run-on", "g1")
        #expect(missing.status == 1 && missing.stderr.contains("group 'g1' does not exist"), "\(missing.stderr)")

        func startWorker() throws -> Process {
            try AgentEndToEndTests.startAgent(
                cli, url: server.url, token: token, state: base + "/state", root: root,
                // Its own collections ten minutes apart: the drift below is found by the job's scan.
                extra: ["--group", "g1", "--concurrency", "2", "--interval", "10m"])
        }
        var worker = try startWorker()
        defer { if worker.isRunning { worker.terminate() } }
        try AgentEndToEndTests.eventually("the worker to join g1") {
            try cli.run("run", base + "/hello.yaml", "--run-on", "g1").status == 0
        }
        // Several at once, two slots: each runs once, to its end, with its output.
        var ids: [String] = []
        for _ in 0..<5 {
            ids += [try Self.queued(try cli.run("run", base + "/hello.yaml", "--run-on", "g1"))].compactMap { $0 }
        }
        #expect(ids.count == 5)
        try AgentEndToEndTests.eventually("five jobs on the worker") {
            try ids.allSatisfy { try Self.jobJSON(cli, $0)["status"] as? String == "Completed" }
        }
        for id in ids {
            let job = try Self.jobJSON(cli, id)
            let history = (job["statusHistory"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String }
            #expect(history == ["New", "Activating", "Running", "Completed"], "\(history)")
            #expect(job["runOn"] as? String == "g1" && job["worker"] as? String == "web7", "\(job)")
        }
        let listed = try cli.run("workers", "list").stdout
        #expect(listed.contains("g1") && listed.contains("web7") && listed.contains("0/2"), "\(listed)")
        try AgentEndToEndTests.matchSchemas(cli, [("worker", ["workers", "list", "--json"])])
        let shown = try cli.run("jobs", "show", ids[0]).stdout
        #expect(shown.contains("Output 1") && shown.contains("hybrid worker group g1 (worker web7)"), "\(shown)")

        // A scan on the worker scans its own machine: refused while tracking is not enabled on
        // it, then its baseline, then the drift, recorded as the job's changes, and the gate.
        func ended(_ runbook: String) throws -> (id: String, job: [String: Any]) {
            let id = try #require(Self.queued(try cli.run("run", base + "/\(runbook).yaml", "--run-on", "g1")))
            try AgentEndToEndTests.eventually("the \(runbook) job to end") {
                ["Completed", "Failed"].contains(try Self.jobJSON(cli, id)["status"] as? String ?? "")
            }
            return (id, try Self.jobJSON(cli, id))
        }
        let notEnabled = try ended("scanit")
        #expect(notEnabled.job["status"] as? String == "Failed")
        #expect(
            (notEnabled.job["exception"] as? String ?? "").contains("Change Tracking is not enabled on machine 'web7'"),
            "\(notEnabled.job)")
        #expect(try cli.run("run", "enable-tracking", "-p", "machines=web7").status == 0)
        let baseline = try ended("scanit")
        #expect(baseline.job["status"] as? String == "Completed", "\(baseline.job)")
        #expect(try cli.run("jobs", "output", baseline.id).stdout.contains("Scanned 1 machine(s), 0 change(s)"))
        try "a=2\n".write(toFile: root + "/etc/app.conf", atomically: true, encoding: .utf8)
        let drift = try ended("gate")
        #expect(drift.job["status"] as? String == "Failed", "\(drift.job)")
        let driftOutput = try cli.run("jobs", "output", drift.id).stdout
        #expect(driftOutput.contains("Scanned 1 machine(s), 1 change(s)"), "\(driftOutput)")
        #expect(driftOutput.contains("web7: files /etc/app.conf"), "\(driftOutput)")
        let recorded = try AutomationStore.open(folder: cli.store).changes(ChangeFilter(jobId: drift.id))
        #expect(recorded.map(\.change.key) == ["/etc/app.conf"] && recorded.map(\.computer) == ["web7"])
        #expect(try ended("scanit").job["status"] as? String == "Completed")

        // A runbook that places a step on the group: its first step runs here, the job is handed
        // to the worker for the second, and back to the service's node for the third.
        let mixed = try cli.run("run", base + "/mixed.yaml")
        #expect(mixed.status == 0 && mixed.stdout.contains("handed over before step 2"), "\(mixed.stdout)")
        let mixedId = try #require(Self.queued(mixed))
        try AgentEndToEndTests.eventually("the mixed job to complete") {
            try Self.jobJSON(cli, mixedId)["status"] as? String == "Completed"
        }
        let mixedHistory = (try Self.jobJSON(cli, mixedId)["statusHistory"] as? [[String: Any]] ?? []).compactMap {
            $0["status"] as? String
        }
        #expect(
            mixedHistory == [
                "New", "Activating", "Running", "Resuming", "Running", "Resuming", "Running", "Completed",
            ],
            "\(mixedHistory)")
        let mixedOutput = try cli.run("jobs", "output", mixedId).stdout
        #expect(
            mixedOutput.components(separatedBy: "\n").compactMap { $0.components(separatedBy: "Output  ").last }
                .filter { !$0.isEmpty } == ["on a node", "on the worker", "back on a node"], "\(mixedOutput)")
        // --run-on and a runbook that places its steps do not go together.
        let both = try cli.run("run", base + "/mixed.yaml", "--run-on", "g1")
        #expect(both.status != 0 && both.stderr.contains("takes no runOn of its own"), "\(both.stderr)")

        // A step that works on the account's store fails on a worker, saying so.
        let report = try ended("report")
        #expect(report.job["status"] as? String == "Failed")
        #expect((report.job["exception"] as? String ?? "").contains("hybrid worker does not reach"), "\(report.job)")

        // A stop reaches the step running on the worker.
        let slow = try #require(Self.queued(try cli.run("run", base + "/slow.yaml", "--run-on", "g1")))
        try AgentEndToEndTests.eventually("the slow job to run") {
            try Self.jobJSON(cli, slow)["status"] as? String == "Running"
        }
        let stop = try cli.run("jobs", "stop", slow, "--wait", "20")
        #expect(stop.status == 0 && stop.stdout.contains("Stopped"), "\(stop.stdout) \(stop.stderr)")

        // kill -9 mid-job: the worker's next process takes the job over and runs its step again.
        let again = try #require(Self.queued(try cli.run("run", base + "/slow.yaml", "--run-on", "g1")))
        try AgentEndToEndTests.eventually("the second slow job to run") {
            try Self.jobJSON(cli, again)["status"] as? String == "Running"
        }
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        worker = try startWorker()
        try AgentEndToEndTests.eventually("the job restarted on the worker") {
            let job = try Self.jobJSON(cli, again)
            return job["restarts"] as? Int == 1 && job["status"] as? String == "Running"
        }
        let history = (try Self.jobJSON(cli, again)["statusHistory"] as? [[String: Any]] ?? []).compactMap {
            $0["status"] as? String
        }
        #expect(history == ["New", "Activating", "Running", "New", "Activating", "Running"], "\(history)")

        // A clean stop (SIGTERM) gives the job back at once: not Stopped, but put back to run
        // again from its step (a restart counted), which the worker's next process does.
        worker.terminate()
        worker.waitUntilExit()
        let handedBack = try Self.jobJSON(cli, again)
        #expect(handedBack["status"] as? String == "New" && handedBack["restarts"] as? Int == 2, "\(handedBack)")
        #expect(
            try cli.run("jobs", "output", again).stdout.contains("the hybrid worker web7")
                && (try cli.run("jobs", "output", again).stdout.contains("(a clean stop)")))
        worker = try startWorker()
        try AgentEndToEndTests.eventually("the job running again after the clean stop") {
            let job = try Self.jobJSON(cli, again)
            return job["restarts"] as? Int == 2 && job["status"] as? String == "Running"
        }
        #expect(try cli.run("jobs", "stop", again, "--wait", "20").status == 0)
    }
}
