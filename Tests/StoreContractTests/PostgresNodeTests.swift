import Automation
import Foundation
import Testing

@testable import PostgresStore

/// Nodes over one PostgreSQL database: exclusive claims, leases renewed by heartbeats, and a
/// silent node's jobs recovered by another once their leases expire. (The embedded store has no
/// nodes yet: it recovers by process id on one host.)
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
    func nodesClaimingAtOnceNeverTakeTheSameJob() async throws {
        try await withStore { store in
            for index in 0..<200 {
                let job = StoreContractTests.job(
                    String(format: "job-%03d", index), at: Self.t0.addingTimeInterval(Double(index)))
                try await store.createJob(job)
            }
            for node in 0..<4 { try await store.registerNode(id: "n\(node)", host: "h\(node)", pid: 100, at: Self.t0) }
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for node in 0..<4 {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let claimed = try await store.claimNewJobs(
                                node: "n\(node)", limit: 7, leaseUntil: Self.t0.addingTimeInterval(600))
                            if claimed.isEmpty { return mine }
                            mine += claimed.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            #expect(all.count == 200)
            #expect(Set(all).count == 200)
            let nodes = try await store.nodes()
            #expect(nodes.map(\.jobs.count).reduce(0, +) == 200)
            #expect(Set(nodes.flatMap(\.jobs)) == Set(all))
            await #expect(throws: StoreError.self) {
                try await store.claimNewJobs(node: "unknown", limit: 1, leaseUntil: Self.t0)
            }
        }
    }

    @Test(.enabled(if: PostgresStoreTests.hasServer, Comment(rawValue: StoreKind.skipNote)))
    func aSilentNodesJobsAreRecoveredAfterItsLeaseWithTheReason() async throws {
        try await withStore { store in
            try await store.registerNode(id: "a", host: "host-a", pid: 41, at: Self.t0)
            try await store.registerNode(id: "b", host: "host-b", pid: 42, at: Self.t0)
            for id in ["waiting", "running", "stopping"] {
                try await store.createJob(StoreContractTests.job(id, at: Self.t0))
            }
            let lease = Self.t0.addingTimeInterval(30)
            #expect(try await store.claimNewJobs(node: "a", limit: 10, leaseUntil: lease).count == 3)
            try await store.execute("UPDATE job SET status = 'Running', checkpoint_step = 2 WHERE id = 'running'")
            try await store.execute("UPDATE job SET status = 'Stopping' WHERE id = 'stopping'")
            #expect(try await store.nodes().first?.jobs == ["running", "stopping", "waiting"])

            // Node a heartbeats: its leases run on; nothing is recovered while they hold.
            let renewed = Self.t0.addingTimeInterval(60)
            #expect(
                try await store.heartbeat(node: "a", at: Self.t0.addingTimeInterval(20), leaseUntil: renewed) == [
                    "running", "stopping", "waiting",
                ])
            #expect(try await store.recoverExpiredLeases(at: Self.t0.addingTimeInterval(45)).isEmpty)

            // Node a falls silent; after its lease, node b's recovery takes each job once.
            let after = Self.t0.addingTimeInterval(61)
            let recovered = try await withThrowingTaskGroup(of: [RecoveredJob].self) { group in
                for _ in 0..<3 { group.addTask { try await store.recoverExpiredLeases(at: after) } }
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
            #expect(running.endedAt == Self.t0)  // its last activity, not the time of recovery
            let waiting = try #require(try await store.job(exactly: "waiting"))
            #expect(waiting.status == .suspended && waiting.checkpointStep == 0)
            #expect(try await store.job(exactly: "stopping")?.status == .stopped)

            // Node a comes back: it holds nothing any more, so its runners stop.
            #expect(try await store.heartbeat(node: "a", at: after, leaseUntil: after.addingTimeInterval(30)).isEmpty)
            #expect(try await store.nodes().map(\.jobs) == [[], []])
            #expect(try await store.recoverExpiredLeases(at: after.addingTimeInterval(3600)).isEmpty)
            await #expect(throws: StoreError.self) {
                try await store.heartbeat(node: "gone", at: after, leaseUntil: after)
            }
        }
    }
}
