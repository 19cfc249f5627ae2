import Automation
import AutomationStore
import Foundation
import Testing

/// The scheduler daemon and suspend/resume with the real binary: signals, kill -9, other
/// processes asking a job to stop or suspend.
@Suite(.serialized) struct DaemonEndToEndTests {
    /// A OneTime schedule `name` that starts a scan of `big` two seconds from now.
    func scheduleScan(_ cli: CLI, _ name: String) throws {
        let start = Date().addingTimeInterval(2).formatted(.iso8601)
        let created = try cli.run(
            "schedule", "create", name, "--frequency", "OneTime", "--start", start, "--runbook", "scan", "-p",
            "machines=big")
        #expect(created.status == 0, "\(created.stderr)")
    }

    @Test func sigtermGivesRunningJobsTheGracePeriodThenStopsThem() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        try cli.registerBigMachine()
        try scheduleScan(cli, "soon")
        let store = try AutomationStore.open(folder: cli.store)
        let daemon = try cli.start(["scheduler", "--poll", "0.1", "--grace", "0.3"])
        #expect(try cli.waitFor { try store.jobs(.init(runbook: "scan")).first?.status == .running })
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(daemon.terminationStatus == 0)
        let job = try #require(try store.jobs(.init(runbook: "scan")).first)
        #expect(job.status == .stopped)
        #expect(job.exception == "job stopped: the scheduler was shut down and its 0.3s grace period ran out")
        #expect(try store.lastScan(machine: "big") == nil)  // the interrupted scan committed nothing
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func aKilledSchedulerIsRecoveredAtRestartWithoutLosingOrDoublingTheFire() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        try cli.registerBigMachine()
        try scheduleScan(cli, "soon")
        let store = try AutomationStore.open(folder: cli.store)
        let daemon = try cli.start(["scheduler", "--poll", "0.1"])
        #expect(try cli.waitFor { try store.jobs(.init(runbook: "scan")).first?.status == .running })
        kill(daemon.processIdentifier, SIGKILL)
        daemon.waitUntilExit()

        // The next scheduler recovers the job (back to New, issue 21 item 4) and runs it again
        // from its scan step, to the end; the fire is neither lost nor started twice.
        let restart = try cli.start(["scheduler", "--poll", "0.1"])
        #expect(try cli.waitFor { try store.jobs(.init(runbook: "scan")).first?.status == .completed })
        kill(restart.processIdentifier, SIGTERM)
        restart.waitUntilExit()
        #expect(restart.terminationStatus == 0)
        let jobs = try store.jobs(.init(runbook: "scan"))
        #expect(jobs.count == 1)
        let job = try #require(jobs.first)
        #expect(job.status == .completed && job.restarts == 1 && job.exception == nil, "\(job)")
        #expect(try store.lastScan(machine: "big") != nil)
        let warnings = try store.streams(job: job.id, kind: .warning).map(\.message)
        #expect(
            warnings.contains {
                $0.contains("ended while it was Running; put back in New by recovery (restart 1 of 3)")
            })
        let shown = try cli.run("jobs", "show", job.id)
        #expect(shown.stdout.contains("Restarts:    1 of 3"), "\(shown.stdout)")
        #expect(shown.stdout.contains("New  (restart 1 of 3)"), "\(shown.stdout)")
        let fires = try store.fires(schedule: "soon")
        #expect(fires.count == 1)
        #expect(fires.first?.status == .started)
        #expect(fires.first?.jobId == jobs.first?.id)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func suspendFromAnotherProcessThenResumeThroughTheScheduler() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        try cli.registerBigMachine()
        let book = cli.store + "/scan-then-log.yaml"
        try """
        name: scan-then-log
        steps:
          - { name: scan, action: scan, with: { targets: { machines: [big] } } }
          - { name: done, action: log, with: { message: after the scan } }
        """.write(toFile: book, atomically: true, encoding: .utf8)
        let store = try AutomationStore.open(folder: cli.store)
        let run = try cli.start(["run", book])
        #expect(try cli.waitFor { try store.jobs(.init(runbook: "scan-then-log")).first?.status == .running })
        let id = try #require(try store.jobs(.init(runbook: "scan-then-log")).first?.id)
        let suspend = try cli.run("jobs", "suspend", id, "--wait", "60")
        #expect(suspend.status == 0)
        #expect(suspend.stdout.contains("Job \(id) Suspended."))
        run.waitUntilExit()
        #expect(run.terminationStatus == 3)
        let suspended = try #require(try store.job(id))
        // The suspend interrupted the running scan: the resume runs it again from its start.
        #expect(suspended.resumesBeforeStep == 1)

        #expect(try cli.run("jobs", "resume", id, "--queue").stdout.contains("Resuming"))
        let pass = try cli.run("scheduler", "--once")
        #expect(pass.stdout.contains("resumed 1"))
        let resumed = try #require(try store.job(id))
        #expect(resumed.status == .completed)
        #expect(try store.streams(job: id, kind: .output).last?.message == "after the scan")
        #expect(try store.lastScan(machine: "big") != nil)
        #expect(
            try store.statusHistory(job: id).map(\.status) == [
                .new, .activating, .running, .suspending, .suspended, .resuming, .running, .completed,
            ])
    }

    @Test func onErrorSuspendThenResumeInTheForeground() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let machine = cli.store + "/m1"
        try FileManager.default.createDirectory(atPath: machine + "/etc", withIntermediateDirectories: true)
        #expect(
            try cli.run(
                "machine", "register", "m1", "--os", "Debian 12", "--source", "linux-root:\(machine)",
                "--standard-rules"
            ).status == 0)
        #expect(try cli.run("run", "enable-tracking", "-p", "machines=m1").status == 0)
        let book = cli.store + "/flaky.yaml"
        try """
        name: flaky
        steps:
          - { name: before, action: log, with: { message: before } }
          - { name: scan, action: scan, with: { targets: { machines: [m1] } }, onError: suspend }
          - { name: after, action: log, with: { message: after } }
        """.write(toFile: book, atomically: true, encoding: .utf8)
        // The machine's folder is away (an unmounted share): the scan fails and the job suspends.
        try FileManager.default.moveItem(atPath: machine, toPath: machine + ".away")
        let first = try cli.run("run", book, "--json")
        #expect(first.status == 3)
        let document = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        #expect(document?["status"] as? String == "Suspended")
        #expect(document?["resumesBeforeStep"] as? Int == 2)
        let id = try #require(document?["id"] as? String)
        #expect((document?["exception"] as? String)?.contains("machine folder") == false)
        #expect((document?["exception"] as? String)?.contains("onError: suspend") == true)

        let early = try cli.run("jobs", "resume", "--queue", "nosuchjob")
        #expect(early.status != 0)
        try FileManager.default.moveItem(atPath: machine + ".away", toPath: machine)
        let resumed = try cli.run("jobs", "resume", String(id.prefix(8)))
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("after"))
        #expect(!resumed.stdout.contains("before"))  // step 1 is not run again
        let again = try cli.run("jobs", "resume", id)
        #expect(again.status == 1)
        #expect(again.stderr.contains("is Completed; only a Suspended job resumes"))
    }
}
