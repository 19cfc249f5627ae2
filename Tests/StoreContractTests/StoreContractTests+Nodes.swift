import Automation
import Foundation
import Testing

/// Nodes on every store: claims never overlap, heartbeats renew leases, and a silent node's
/// jobs are recovered once after their lease, with the reason naming it.
extension StoreContractTests {
    @Test(arguments: StoreKind.available) func nodesClaimApartAndListWhatTheyHold(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            for index in 0..<60 {
                try await store.createJob(
                    Self.job(String(format: "job-%02d", index), at: now.addingTimeInterval(Double(index))))
            }
            for node in 0..<3 { try await store.registerNode(id: "n\(node)", host: "h\(node)", pid: 100 + node) }
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for node in 0..<3 {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let claimed = try await store.claimNewJobs(node: "n\(node)", limit: 7, lease: .seconds(600))
                            if claimed.isEmpty { return mine }
                            mine += claimed.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            #expect(all.count == 60 && Set(all).count == 60)
            let nodes = try await store.nodes()
            #expect(nodes.map(\.id) == ["n0", "n1", "n2"])
            #expect(Set(nodes.flatMap(\.jobs)) == Set(all))
            #expect(nodes.first?.host == "h0" && nodes.first?.pid == 100)
            // Held jobs are renewed by their node's heartbeat; a released New job waits for any node.
            let held = try await store.heartbeat(node: "n0", lease: .seconds(600))
            #expect(held == nodes[0].jobs)
            try await store.releaseJobs(node: "n0", [held[0]])
            #expect(try await store.heartbeat(node: "n0", lease: .seconds(600)) == Array(held.dropFirst()))
            #expect(try await store.claimNewJobs(node: "n1", limit: 5, lease: .seconds(600)).map(\.id) == [held[0]])
            await #expect(throws: StoreError.self) {
                try await store.claimNewJobs(node: "unknown", limit: 1, lease: .seconds(1))
            }
            await #expect(throws: StoreError.self) { try await store.heartbeat(node: "unknown", lease: .seconds(1)) }
        }
    }

    @Test(arguments: StoreKind.available) func aSilentNodesJobIsRecoveredOnceAfterItsLease(kind: StoreKind) async throws
    {
        try await kind.withStore { store async throws in
            try await store.registerNode(id: "a", host: "host-a", pid: 41)
            try await store.registerNode(id: "b", host: "host-b", pid: 42)
            try await store.createJob(Self.job("running", at: now, restartLimit: 0))
            #expect(try await store.claimNewJobs(node: "a", limit: 1, lease: .seconds(600)).count == 1)
            try await store.transition(job: "running", to: .running, at: now, exception: nil)
            #expect(try await store.recoverExpiredLeases().isEmpty)  // the lease holds
            // Node a's last heartbeat renews for a millisecond, then it falls silent; node b's
            // recoveries, at once, take the job once.
            #expect(try await store.heartbeat(node: "a", lease: .milliseconds(1)) == ["running"])
            try await Task.sleep(for: .milliseconds(50))
            #expect(try await store.heartbeat(node: "b", lease: .seconds(30)).isEmpty)
            let recovered = try await withThrowingTaskGroup(of: [RecoveredJob].self) { group in
                for _ in 0..<3 { group.addTask { try await store.recoverExpiredLeases() } }
                return try await group.reduce(into: [RecoveredJob]()) { $0 += $1 }
            }
            #expect(recovered == [RecoveredJob(id: "running", status: .failed)])
            let job = try #require(try await store.job(exactly: "running"))
            #expect(job.status == .failed)
            #expect(job.exception?.hasPrefix("node a (pid 41 on host-a) stopped heartbeating at ") == true, "\(job)")
            #expect(job.exception?.contains("while it was Running; marked Failed by recovery") == true)
            // Node a comes back: it holds nothing, and nobody holds the ended job.
            #expect(try await store.heartbeat(node: "a", lease: .seconds(30)).isEmpty)
            #expect(try await store.nodes().map(\.jobs) == [[], []])
        }
    }

    /// Issue 21, item 4: a job cut off mid-step goes back to New, unleased, and another node's
    /// claim runs it again from that step; each restart is in its timeline and Warning stream,
    /// and past its limit it is Failed saying so.
    @Test(arguments: StoreKind.available) func aSilentNodesRunningJobIsRestartedUpToItsLimit(kind: StoreKind)
        async throws
    {
        // Nodes whose processes are gone, on this host: the embedded store restarts only those.
        let host = ProcessInfo.processInfo.hostName
        let gone = try Self.deadPid()
        try await kind.withStore { store async throws in
            try await store.registerNode(id: "a", host: host, pid: gone)
            try await store.registerNode(id: "b", host: host, pid: gone)
            try await store.createJob(Self.job("j", at: now, restartLimit: 2))
            var holder = "a"
            for attempt in 1...3 {
                #expect(try await store.claimNewJobs(node: holder, limit: 1, lease: .seconds(600)).map(\.id) == ["j"])
                _ = try await store.stepBoundary(job: "j", entering: [.activating, .running], step: 1, at: now)
                #expect(try await store.heartbeat(node: holder, lease: .milliseconds(1)) == ["j"])
                try await Task.sleep(for: .milliseconds(50))
                let other = holder == "a" ? "b" : "a"
                _ = try await store.heartbeat(node: other, lease: .seconds(30))
                let recovered = try await store.recoverExpiredLeases()
                let job = try #require(try await store.job(exactly: "j"))
                if attempt <= 2 {
                    #expect(recovered == [RecoveredJob(id: "j", status: .new)])
                    #expect(job.status == .new && job.restarts == attempt && job.checkpointStep == 1, "\(job)")
                    #expect(job.exception == nil)
                    let warning = try #require(try await store.streams(job: "j", kind: .warning).last?.message)
                    #expect(
                        warning.contains("while it was Running; put back in New by recovery (restart \(attempt) of 2)"))
                    #expect(warning.contains("runs it again from step 2"))
                    // Unleased: no node holds it, the other node's claim takes it.
                    #expect(try await store.nodes().allSatisfy { $0.jobs.isEmpty })
                } else {
                    #expect(recovered == [RecoveredJob(id: "j", status: .failed)])
                    #expect(job.status == .failed && job.restarts == 2)
                    #expect(job.exception?.contains("marked Failed by recovery after 2 restart(s), its limit") == true)
                }
                holder = other
            }
            let history = try await store.statusHistory(job: "j").map(\.status)
            #expect(
                history == [
                    .new, .activating, .running, .new, .activating, .running, .new, .activating, .running, .failed,
                ])
            #expect(JobRestarts.attempts(in: try await store.statusHistory(job: "j")).compactMap(\.restart) == [1, 2])
        }
    }
}

/// What only the embedded store does: one host, one process per node, so a late heartbeat still
/// renews, and a stuck node's unstarted jobs are left to it (nothing fences a Suspended job there).
extension StoreContractTests {
    /// The pid of a process that has exited.
    static func deadPid() throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return Int(process.processIdentifier)
    }

    /// A node that is alive but silent (stopped with SIGSTOP) could write over a restarted run
    /// when it resumes, and nothing fences an unended job here: its running job is Failed.
    @Test func onOneHostAStuckButLiveNodesJobIsFailedNotRestarted() async throws {
        try await StoreKind.sqlite.withStore { store async throws in
            try await store.registerNode(
                id: "stuck", host: ProcessInfo.processInfo.hostName, pid: Int(ProcessInfo.processInfo.processIdentifier)
            )
            try await store.createJob(Self.job("j", at: now))
            #expect(try await store.claimNewJobs(node: "stuck", limit: 1, lease: .seconds(600)).count == 1)
            _ = try await store.stepBoundary(job: "j", entering: [.activating, .running], step: 0, at: now)
            #expect(try await store.heartbeat(node: "stuck", lease: .milliseconds(1)) == ["j"])
            try await Task.sleep(for: .milliseconds(50))
            #expect(try await store.recoverExpiredLeases() == [RecoveredJob(id: "j", status: .failed)])
            let job = try #require(try await store.job(exactly: "j"))
            #expect(job.restarts == 0)
            #expect(job.exception?.contains("while it was Running; marked Failed by recovery") == true)
        }
    }

    @Test func onOneHostALateHeartbeatRenewsAndUnstartedJobsWait() async throws {
        try await StoreKind.sqliteFile.withStore { store async throws in
            try await store.registerNode(id: "a", host: "host-a", pid: 41)
            try await store.createJob(Self.job("queued", at: now))
            try await store.createJob(Self.job("running", at: now.addingTimeInterval(1)))
            #expect(try await store.claimNewJobs(node: "a", limit: 2, lease: .milliseconds(1)).count == 2)
            try await store.transition(job: "running", to: .running, at: now, exception: nil)
            try await Task.sleep(for: .milliseconds(50))
            // Past its lease but not recovered yet: the node's heartbeat (the host slept) keeps both.
            #expect(try await store.heartbeat(node: "a", lease: .milliseconds(1)) == ["queued", "running"])
            try await Task.sleep(for: .milliseconds(50))
            // Silent now: its running job is ended; the one it had not started waits for it.
            #expect(try await store.recoverExpiredLeases() == [RecoveredJob(id: "running", status: .failed)])
            #expect(try await store.job(exactly: "queued")?.status == .new)
            #expect(try await store.nodes().first?.jobs == ["queued"])
        }
    }
}

extension StoreContractTests {
    /// Two live processes under one node id would each think they hold the other's jobs: the
    /// second is refused until the first has been silent for a lease.
    @Test(arguments: StoreKind.available) func aNodeIdHeldByALiveProcessIsRefused(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.registerNode(id: "a", host: "host-a", pid: 41, lease: .seconds(30))
            do {
                // A lease of an hour: a suite that starves this task for a while must not free the id.
                try await store.registerNode(id: "a", host: "host-b", pid: 42, lease: .seconds(3600))
                Issue.record("a second live process took node id 'a'")
            } catch let error as StoreError {
                guard case .nodeInUse(let id, let host, let pid) = error else { throw error }
                #expect(id == "a" && host == "host-a" && pid == 41)
            }
            // The same process registering again (its row deleted, a restart) is itself.
            try await store.registerNode(id: "a", host: "host-a", pid: 41, lease: .seconds(30))
            // Silent for longer than the lease: the id is free.
            try await Task.sleep(for: .milliseconds(300))
            try await store.registerNode(id: "a", host: "host-b", pid: 42, lease: .milliseconds(100))
            #expect(try await store.nodes().first { $0.id == "a" }?.pid == 42)
        }
    }
}

extension StoreContractTests {
    /// A clean stop frees the id at once (issue 21, item 3), and the node is listed as stopped
    /// (item 11); a silent one is stale once its lease has passed.
    @Test(arguments: StoreKind.available) func aCleanStopFreesTheIdAtOnce(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.registerNode(id: "a", host: "host-a", pid: 41, lease: .seconds(30))
            let live = try #require(try await store.nodes().first { $0.id == "a" })
            #expect(live.stoppedAt == nil && live.state(at: live.heartbeatAt) == .live)
            #expect(live.leaseSeconds == 30)
            try await store.stopNode(id: "a")
            let stopped = try #require(try await store.nodes().first { $0.id == "a" })
            #expect(stopped.state(at: Date()) == .stopped)
            #expect(stopped.stoppedAt != nil)
            // Another process takes the id at once, and is live again.
            try await store.registerNode(id: "a", host: "host-b", pid: 42, lease: .seconds(30))
            let taken = try #require(try await store.nodes().first { $0.id == "a" })
            #expect(taken.pid == 42 && taken.stoppedAt == nil)
            // Killed (no stop): stale once silent for its lease.
            try await store.registerNode(id: "b", host: "host-b", pid: 43, lease: .milliseconds(100))
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await store.nodes().first { $0.id == "b" }?.state(at: Date()) == .stale)
        }
    }
}
