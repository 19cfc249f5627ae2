import Automation
import Foundation
import Testing

/// Issue 12's fault tests: nodes as separate processes of the real binary over a real
/// PostgreSQL (RUNBOOK_TEST_POSTGRES_URL, as .ci/run sets it). Serialized: each runs several
/// nodes, and two at once would starve each other on a 2-core machine.
@Suite(.serialized) struct NodeFaultTests {
    static let server = PostgresStoreEndToEndTests.serverURL
    static let skipNote = PostgresStoreEndToEndTests.skipNote

    /// 1,000 schedules firing every minute, made from one by SQL (1,000 CLI runs would take
    /// longer than the test), due since five minutes ago: the first pass starts the latest fire
    /// of each and records the four before it as missed.
    static func thousandSchedules(_ cluster: Cluster) async throws {
        let made = try cluster.cli.run(
            "schedule", "create", "tick-0", "--frequency", "Minute", "--runbook", "tick", "--store", cluster.url)
        // Schedules are authored in the embedded store; this one goes in by SQL below instead.
        _ = made
        _ = try await cluster.column(
            """
            WITH base AS (
                SELECT jsonb_build_object(
                    'links', jsonb_build_array(jsonb_build_object('runbook', 'tick', 'parameters', '{}'::jsonb,
                        'folder', NULL, 'jobScheduleId', NULL)),
                    'enabled', true, 'misfire', 'run-once', 'overlap', 'skip', 'description', '',
                    'timeoutSeconds', NULL,
                    'recurrence', jsonb_build_object('cron', NULL, 'interval', 1, 'timeZone', 'UTC', 'weekDays',
                        '[]'::jsonb, 'frequency', 'Minute', 'monthDays', '[]'::jsonb, 'occurrences', '[]'::jsonb,
                        'expiryTime', NULL,
                        'startTime', extract(epoch FROM now() - interval '1 hour') - 978307200)) AS definition
            )
            INSERT INTO schedule (name, definition, enabled, created_at, updated_at)
            SELECT 'tick-' || g, base.definition || jsonb_build_object('name', 'tick-' || g), true,
                now() - interval '5 minutes', now()
            FROM base, generate_series(1, 1000) AS g
            RETURNING 'x'
            """)
    }

    @Test(.enabled(if: server != nil, skipNote), .timeLimit(.minutes(6)))
    func twoThenThreeNodesStartEachOfTwoThousandFiresOnce() async throws {
        let cluster = try Cluster(server: try #require(Self.server))
        defer { cluster.tearDown() }
        try await Self.thousandSchedules(cluster)
        try cluster.start("n1")
        try cluster.start("n2")
        let started = "SELECT COUNT(*) FROM schedule_fire WHERE status = 'started'"
        let done = "SELECT COUNT(*) FROM job WHERE status = 'Completed'"
        let first = try await cluster.wait(seconds: 150) {
            let fires = try await cluster.count(started)
            let ended = try await cluster.count(done)
            return fires >= 1000 && ended >= 1000
        }
        let firstFires = try await cluster.count(started)
        #expect(first, "after 150 s: \(firstFires) fires; n1: \(cluster.log("n1").suffix(3000))")
        let missed = try await cluster.count("SELECT COUNT(*) FROM schedule_fire WHERE status = 'missed'")
        #expect(missed >= 3000)
        let phaseOne = Set(try await cluster.column("SELECT DISTINCT lease_node FROM job"))
        #expect(phaseOne == ["n1", "n2"], "jobs ran on \(phaseOne)")
        // A third node joins; the next minute's 1,000 fires spread over three.
        try cluster.start("n3")
        let second = try await cluster.wait(seconds: 150) {
            let fires = try await cluster.count(started)
            let ended = try await cluster.count(done)
            return fires >= 2000 && ended >= 2000
        }
        let secondFires = try await cluster.count(started)
        #expect(second, "after the second minute: \(secondFires) fires")
        // No more fires (a slow run can reach a third minute), then every job started must end.
        _ = try await cluster.column("UPDATE schedule SET enabled = false RETURNING 'x'")
        let drained = try await cluster.wait(seconds: 150) {
            try await cluster.count("SELECT COUNT(*) FROM job WHERE status <> 'Completed'") == 0
        }
        #expect(drained)
        // Each started fire has its own job, each job one fire; no job ran twice; none other.
        let fires = try await cluster.count(started)
        let distinctJobs = try await cluster.count(
            "SELECT COUNT(DISTINCT job_id) FROM schedule_fire WHERE status = 'started'")
        #expect(distinctJobs == fires)
        let jobs = try await cluster.count("SELECT COUNT(*) FROM job")
        #expect(jobs == fires)
        let unfinished = try await cluster.count("SELECT COUNT(*) FROM job WHERE status <> 'Completed'")
        #expect(unfinished == 0)
        let twice = try await cluster.runTwice()
        #expect(twice.isEmpty)
        let doubledFires = try await cluster.count(
            "SELECT COUNT(*) FROM (SELECT schedule_name, fire_time FROM schedule_fire GROUP BY 1, 2 HAVING COUNT(*) > 1) d"
        )
        #expect(doubledFires == 0)
        let nodes = Set(try await cluster.column("SELECT DISTINCT lease_node FROM job"))
        #expect(nodes == ["n1", "n2", "n3"], "jobs ran on \(nodes)")
    }

    @Test(.enabled(if: server != nil, skipNote), .timeLimit(.minutes(4)))
    func aKilledNodesJobIsRecoveredAfterItsLeaseAndItsScheduleGoesOn() async throws {
        let cluster = try Cluster(server: try #require(Self.server), slowSeconds: 120)
        defer { cluster.tearDown() }
        try cluster.start("victim", lease: 3)
        let job = try cluster.queue("slow")
        let running = try await cluster.wait(seconds: 30) {
            try await cluster.column("SELECT status || ' ' || lease_node FROM job WHERE id = '\(job)'")
                == ["Running victim"]
        }
        try #require(running, "\(cluster.log("victim"))")
        try cluster.start("survivor", lease: 3)
        try await Task.sleep(for: .seconds(1))
        let killedAt = Date()
        cluster.kill("victim")
        // Recovered (back to New, issue 21 item 4) and run again on the survivor, from its step.
        let recovered = try await cluster.wait(seconds: 30) {
            try await cluster.column(
                "SELECT status || ' ' || lease_node || ' ' || restarts FROM job WHERE id = '\(job)'")
                == ["Running survivor 1"]
        }
        let seconds = Date().timeIntervalSince(killedAt)
        #expect(recovered, "\(cluster.log("survivor"))")
        // Within the lease (3 s) and a heartbeat (1 s) after the last renewal, with slack.
        #expect(seconds < 15, "recovered \(seconds) s after the kill")
        let warning = try await cluster.column(
            "SELECT convert_from(message, 'UTF8') FROM job_stream WHERE job_id = '\(job)' AND stream = 'Warning'")
        #expect(warning.first?.hasPrefix("node victim (pid ") == true, "\(warning)")
        #expect(warning.first?.contains("stopped heartbeating") == true)
        #expect(warning.first?.contains("put back in New by recovery (restart 1 of 3)") == true)
        let timeline = try await cluster.column(
            "SELECT string_agg(status, ' ' ORDER BY seq) FROM job_status WHERE job_id = '\(job)'")
        #expect(timeline == ["New Activating Running New Activating Running"])
        #expect(cluster.log("survivor").contains("recovered a job whose node stopped heartbeating"))
        // Work goes on: a job queued now (as the API or a schedule would) runs on the survivor.
        let next = try cluster.queue("tick")
        let ran = try await cluster.wait(seconds: 30) {
            try await cluster.column("SELECT status || ' ' || lease_node FROM job WHERE id = '\(next)'")
                == ["Completed survivor"]
        }
        #expect(ran, "\(cluster.log("survivor"))")
        let list = try cluster.cli.run("nodes", "list", "--store", cluster.url)
        #expect(list.stdout.contains("victim") && list.stdout.contains("survivor"), "\(list.stdout)")
        let twice = try await cluster.runTwice()
        #expect(twice.isEmpty)
    }
}
