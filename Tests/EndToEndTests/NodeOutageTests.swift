import Automation
import Foundation
import Testing

/// The database going away under nodes: restarted under load, and cut off from one node by a
/// network partition. Each test runs a PostgreSQL server of its own (the shared one serves the
/// other tests meanwhile); enabled where the shared one is, since that means PostgreSQL 15 is
/// installed.
/// In the same serialized suite as the other fault tests: one set of nodes at a time.
extension NodeFaultTests {
    @Test(.enabled(if: server != nil, skipNote), .timeLimit(.minutes(4)))
    func postgresRestartedUnderLoadLosesAndDoublesNoJob() async throws {
        let postgres = try await OwnPostgres()
        let cluster: Cluster
        do {
            cluster = try Cluster(server: postgres.url, slowSeconds: 4)
        } catch {
            await postgres.stop()
            throw error
        }
        defer { cluster.tearDown() }
        do {
            try await restartUnderLoad(postgres, cluster)
        } catch {
            await postgres.stop()
            throw error
        }
        await postgres.stop()
    }

    private func restartUnderLoad(_ postgres: OwnPostgres, _ cluster: Cluster) async throws {
        try cluster.start("n1", lease: 5)
        try cluster.start("n2", lease: 5)
        var queued: [String] = []
        for index in 0..<30 { queued.append(try cluster.queue(index % 5 == 0 ? "slow" : "tick")) }
        let someRan = try await cluster.wait(seconds: 30) {
            try await cluster.count("SELECT COUNT(*) FROM job WHERE status = 'Completed'") >= 5
        }
        try #require(someRan, "\(cluster.log("n1"))")
        try await postgres.halt()
        // While it is down a command says so plainly and fails.
        let down = try cluster.cli.run("nodes", "list", "--store", cluster.url)
        #expect(down.status == 74)
        #expect(down.stderr.contains("nothing listens on 127.0.0.1 port"), "\(down.stderr)")
        try await Task.sleep(for: .seconds(3))
        try await postgres.restart()
        let restarted = Date()
        // Jobs queued after the restart run: the nodes reconnected.
        for _ in 0..<10 { queued.append(try cluster.queue("tick")) }
        let settled = try await cluster.wait(seconds: 90) {
            try await cluster.count("SELECT COUNT(*) FROM job WHERE status NOT IN ('Completed', 'Failed', 'Stopped')")
                == 0
        }
        #expect(settled, "\(cluster.log("n1"))\n\(cluster.log("n2"))")
        let jobs = Set(try await cluster.column("SELECT id FROM job"))
        #expect(jobs == Set(queued), "no job lost, none made up")
        let twice = try await cluster.runTwice()
        #expect(twice.isEmpty)
        // A job caught by the outage ends with a reason, never silently.
        let unexplained = try await cluster.count(
            "SELECT COUNT(*) FROM job WHERE status <> 'Completed' AND exception IS NULL")
        #expect(unexplained == 0)
        let afterRestart = try await cluster.count(
            "SELECT COUNT(*) FROM job WHERE status = 'Completed' AND id IN ('\(queued.suffix(10).joined(separator: "','"))')"
        )
        #expect(afterRestart == 10)
        // Both nodes are back: a store call waits (up to 15 s) for the server rather than fail.
        let since = restarted.formatted(.iso8601)
        let alive = try await cluster.wait(seconds: 40) {
            try await cluster.count("SELECT COUNT(*) FROM node WHERE heartbeat_at > '\(since)'") == 2
        }
        #expect(alive, "\(cluster.log("n1"))\n\(cluster.log("n2"))")
    }

    @Test(
        .enabled(if: server != nil && NetworkNamespace.ip != nil && getuid() == 0, skipNote),
        .timeLimit(.minutes(4)))
    func aNodeCutOffFromTheDatabaseStopsClaimingAndItsJobIsRecoveredElsewhere() async throws {
        let namespace = try await NetworkNamespace()
        var postgres: OwnPostgres?
        do {
            postgres = try await OwnPostgres(extraListen: namespace.hostAddress)
            let cluster = try Cluster(server: try #require(postgres).url, slowSeconds: 120)
            defer { cluster.tearDown() }
            try await partition(namespace, cluster)
        } catch {
            await postgres?.stop()
            await namespace.remove()
            throw error
        }
        await postgres?.stop()
        await namespace.remove()
    }

    private func partition(_ namespace: NetworkNamespace, _ cluster: Cluster) async throws {
        // The isolated node reaches the database over the veth; the other over loopback.
        try cluster.start(
            "isolated", lease: 3, prefix: namespace.prefix, through: ("127.0.0.1", namespace.hostAddress))
        let job = try cluster.queue("slow")
        let running = try await cluster.wait(seconds: 30) {
            try await cluster.column("SELECT status || ' ' || lease_node FROM job WHERE id = '\(job)'")
                == ["Running isolated"]
        }
        try #require(running, "\(cluster.log("isolated"))")
        try cluster.start("connected", lease: 3)
        try await Task.sleep(for: .seconds(1))
        try await namespace.cut()
        // Recovered: back to New, and run again by the node that can reach the database.
        let recovered = try await cluster.wait(seconds: 40) {
            try await cluster.column("SELECT status || ' ' || lease_node FROM job WHERE id = '\(job)'")
                == ["Running connected"]
        }
        #expect(recovered, "\(cluster.log("connected"))")
        let warning = try await cluster.column(
            "SELECT convert_from(message, 'UTF8') FROM job_stream WHERE job_id = '\(job)' AND stream = 'Warning'")
        #expect(warning.first?.hasPrefix("node isolated (pid ") == true, "\(warning)")
        // Work queued meanwhile goes to the node that can reach the database.
        var later: [String] = []
        for _ in 0..<5 { later.append(try cluster.queue("tick")) }
        let ranElsewhere = try await cluster.wait(seconds: 30) {
            try await cluster.count(
                "SELECT COUNT(*) FROM job WHERE lease_node = 'connected' AND status = 'Completed' AND id IN ('\(later.joined(separator: "','"))')"
            ) == 5
        }
        #expect(ranElsewhere)
        let cutOff = try await cluster.wait(seconds: 30) {
            cluster.log("isolated").contains("no heartbeat for a whole lease")
        }
        #expect(cutOff, "\(cluster.log("isolated"))")
        // Healed: the isolated node comes back, and cannot overwrite the recovered job.
        try await namespace.heal()
        let back = try await cluster.wait(seconds: 40) { cluster.log("isolated").contains("the store answers again") }
        #expect(back, "\(cluster.log("isolated"))")
        try await Task.sleep(for: .seconds(2))
        let after = try await cluster.column("SELECT status || ' ' || lease_node FROM job WHERE id = '\(job)'")
        #expect(after == ["Running connected"])
        let twice = try await cluster.runTwice()
        #expect(twice.isEmpty)
    }
}
