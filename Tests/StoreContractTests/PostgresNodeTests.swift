import Automation
import Foundation
import Testing

@testable import PostgresStore

/// Nodes over one PostgreSQL database, beyond what every store does (StoreContractTests+Nodes):
/// the database's clock times leases, every recovery rule with its reason, and a lapsed lease.
@Suite struct PostgresNodeTests {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func withStore(_ body: (PostgresStore) async throws -> Void) async throws {
        let location = try PostgresFixture.freshLocation()
        do {
            try await PostgresStore.withStore(at: location, logger: PostgresFixture.logger) { try await body($0) }
            try await PostgresFixture.drop(location)
        } catch {
            try? await PostgresFixture.drop(location)
            throw error
        }
    }

    @Test(.enabled(if: PostgresStoreTests.hasServer, Comment(rawValue: StoreKind.skipNote)))
    func aSilentNodesJobsAreRecoveredAfterItsLeaseWithTheReason() async throws {
        try await withStore { store in
            try await store.registerNode(id: "a", host: "host-a", pid: 41)
            try await store.registerNode(id: "b", host: "host-b", pid: 42)
            for id in ["waiting", "running", "stopping"] {
                try await store.createJob(StoreContractTests.job(id, at: Self.t0, restartLimit: 0))
            }
            #expect(try await store.claimNewJobs(node: "a", limit: 10, lease: .seconds(30)).count == 3)
            try await store.execute("UPDATE job SET status = 'Running', checkpoint_step = 2 WHERE id = 'running'")
            try await store.execute("UPDATE job SET status = 'Stopping' WHERE id = 'stopping'")
            #expect(try await store.nodes().first?.jobs == ["running", "stopping", "waiting"])

            // Node a heartbeats: its leases run on; nothing is recovered while they hold.
            #expect(try await store.heartbeat(node: "a", lease: .seconds(60)) == ["running", "stopping", "waiting"])
            #expect(try await store.recoverExpiredLeases().isEmpty)
            // The database's clock decides: a lease of a minute ends about a minute from its now.
            #expect(
                try await store.rows(
                    "SELECT 1 FROM job WHERE lease_expires_at BETWEEN now() + interval '50 s' AND now() + interval '70 s'"
                ).count == 3)

            // Node a falls silent; a minute later its leases have run out (the database's time,
            // moved here by moving the leases back), and node b's recovery takes each job once.
            try await store.execute("UPDATE job SET lease_expires_at = now() - interval '1 s'")
            try await store.execute("UPDATE node SET heartbeat_at = now() - interval '61 s' WHERE id = 'a'")
            let recovered = try await withThrowingTaskGroup(of: [RecoveredJob].self) { group in
                for _ in 0..<3 { group.addTask { try await store.recoverExpiredLeases() } }
                return try await group.reduce(into: [RecoveredJob]()) { $0 += $1 }
            }
            #expect(
                Set(recovered) == [
                    RecoveredJob(id: "waiting", status: .suspended), RecoveredJob(id: "running", status: .failed),
                    RecoveredJob(id: "stopping", status: .stopped),
                ])
            #expect(recovered.count == 3)
            let running = try #require(try await store.job(exactly: "running"))
            #expect(running.status == .failed)
            #expect(running.exception?.hasPrefix("node a (pid 41 on host-a) stopped heartbeating at ") == true)
            #expect(running.exception?.contains("while it was Running; marked Failed by recovery") == true)
            // It ends when recovery marks it, as its status history says (issue 21, item 5).
            let marked = try #require(try await store.statusHistory(job: "running").last?.at)
            #expect(running.endedAt == marked)
            #expect(running.endedAt != Self.t0)
            let waiting = try #require(try await store.job(exactly: "waiting"))
            #expect(waiting.status == .suspended && waiting.checkpointStep == 0)
            #expect(try await store.job(exactly: "stopping")?.status == .stopped)

            // Node a comes back: it holds nothing any more, so its runners stop.
            #expect(try await store.heartbeat(node: "a", lease: .seconds(30)).isEmpty)
            #expect(try await store.nodes().map(\.jobs) == [[], []])
            #expect(try await store.recoverExpiredLeases().isEmpty)
            await #expect(throws: StoreError.self) { try await store.heartbeat(node: "gone", lease: .seconds(30)) }
        }
    }

    /// A node that was cut off from the database past its lease and is back: its job is
    /// recovered, and the reason says the lease lapsed, not that the node stopped.
    @Test(.enabled(if: PostgresStoreTests.hasServer, Comment(rawValue: StoreKind.skipNote)))
    func aLeaseThatLapsedWhileItsNodeLivesIsRecoveredWithThatReason() async throws {
        try await withStore { store in
            try await store.registerNode(id: "a", host: "host-a", pid: 41)
            try await store.createJob(StoreContractTests.job("j", status: .running, at: Self.t0, restartLimit: 0))
            #expect(try await store.claimNewJobs(node: "a", limit: 1, lease: .seconds(30)).isEmpty)  // not New
            try await store.execute("UPDATE job SET lease_node = 'a', lease_expires_at = now() - interval '5 s'")
            // The node's heartbeat comes back after its lease ran out: it renews nothing.
            #expect(try await store.heartbeat(node: "a", lease: .seconds(30)).isEmpty)
            #expect(try await store.recoverExpiredLeases() == [RecoveredJob(id: "j", status: .failed)])
            let exception = try #require(try await store.job(exactly: "j")?.exception)
            #expect(exception.hasPrefix("node a (pid 41 on host-a) did not renew its lease on this job in time"))
            #expect(exception.contains("while it was Running, and the node's next heartbeat came at "))
        }
    }
}
