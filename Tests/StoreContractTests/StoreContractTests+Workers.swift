import Automation
import Foundation
import Testing

/// Hybrid Runbook Worker groups on every store: membership follows what each agent says, a
/// job for a group is claimed once by one of its workers and never by a node, and a node's
/// job is never claimed by a worker.
extension StoreContractTests {
    static func job(_ id: String, runOn: String?, at date: Date) -> Job {
        var job = Self.job(id, at: date)
        job.runOn = runOn
        return job
    }

    @Test(arguments: StoreKind.available) func workersJoinGroupsAndClaimOnlyTheirJobs(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            for name in ["web1", "web2"] {
                try await store.registerMachine(try Self.machine(name), replace: false, at: now)
            }
            try await store.workerSeen(machine: "web1", groups: ["g1", "g2"], concurrency: 4, at: now)
            try await store.workerSeen(machine: "web2", groups: ["g1", "g1"], concurrency: 2, at: now)
            var workers = try await store.hybridWorkers()
            #expect(workers.map { "\($0.group)/\($0.machine)" } == ["g1/web1", "g1/web2", "g2/web1"])
            #expect(workers.first { $0.machine == "web2" }?.concurrency == 2)
            // web1 restarted without g2: it leaves it.
            try await store.workerSeen(machine: "web1", groups: ["g1"], concurrency: 4, at: now.addingTimeInterval(30))
            workers = try await store.hybridWorkers()
            #expect(workers.map { "\($0.group)/\($0.machine)" } == ["g1/web1", "g1/web2"])
            #expect(workers.first { $0.machine == "web1" }?.lastSeenAt == now.addingTimeInterval(30))
            #expect(workers.first { $0.machine == "web1" }?.registeredAt == now)
            await #expect(throws: StoreError.self) {
                try await store.workerSeen(machine: "nosuch", groups: ["g1"], concurrency: 1, at: now)
            }

            for index in 0..<10 {
                try await store.createJob(
                    Self.job(String(format: "g1-%02d", index), runOn: "g1", at: now.addingTimeInterval(Double(index))))
            }
            try await store.createJob(Self.job("g3-job", runOn: "g3", at: now))
            try await store.createJob(Self.job("node-a", runOn: nil, at: now))
            try await store.createJob(Self.job("node-b", runOn: nil, at: now.addingTimeInterval(1)))
            #expect(try await store.job(exactly: "g1-00")?.runOn == "g1")
            #expect(try await store.job(exactly: "node-a")?.runOn == nil)

            // A node takes only the jobs that run on nodes.
            try await store.registerNode(id: "n0", host: "h0", pid: 100)
            #expect(
                try await store.claimNewJobs(node: "n0", limit: 50, lease: .seconds(600)).map(\.id) == [
                    "node-a", "node-b",
                ])

            // Two workers claiming at once take each of g1's jobs once, oldest first, never g3's.
            for (index, machine) in ["web1", "web2"].enumerated() {
                try await store.registerNode(
                    id: HybridWorkerInfo.nodeId(machine: machine), host: machine, pid: 1000 + index)
            }
            let claims = try await withThrowingTaskGroup(of: [String].self) { group in
                for machine in ["web1", "web2"] {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let claimed = try await store.claimGroupJobs(
                                node: HybridWorkerInfo.nodeId(machine: machine), groups: ["g1"], limit: 3,
                                lease: .seconds(600))
                            if claimed.isEmpty { return mine }
                            #expect(claimed.allSatisfy { $0.runOn == "g1" && !$0.runbookContent.isEmpty })
                            mine += claimed.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [[String]]()) { $0.append($1) }
            }
            let all = claims.flatMap { $0 }
            #expect(all.count == 10 && Set(all).count == 10 && !all.contains("g3-job"))
            workers = try await store.hybridWorkers()
            #expect(Set(workers.flatMap(\.jobs)) == Set(all))
            #expect(
                try await store.claimGroupJobs(node: "worker:web1", groups: [], limit: 4, lease: .seconds(1)).isEmpty)
            await #expect(throws: StoreError.self) {
                try await store.claimGroupJobs(node: "worker:nosuch", groups: ["g3"], limit: 1, lease: .seconds(1))
            }

            // A worker that stopped cleanly claims nothing (a poll still waiting on the service);
            // a group's restarted job is never a node's to resume.
            try await store.stopNode(id: HybridWorkerInfo.nodeId(machine: "web1"))
            var restarted = Self.job("g1-restarted", runOn: "g1", at: now.addingTimeInterval(100))
            restarted.restarts = 1
            try await store.createJob(restarted)
            #expect(
                try await store.claimGroupJobs(node: "worker:web1", groups: ["g1"], limit: 5, lease: .seconds(60))
                    .isEmpty)
            #expect(try await !store.queuedResumes().contains("g1-restarted"))
            #expect(
                try await store.claimGroupJobs(node: "worker:web2", groups: ["g1"], limit: 5, lease: .seconds(60)).map(
                    \.id) == ["g1-restarted"])

            #expect(try await store.removeHybridWorker(group: "g1", machine: "web2"))
            #expect(try await !store.removeHybridWorker(group: "g1", machine: "web2"))
            #expect(try await store.removeHybridWorkerGroup("g1"))
            #expect(try await !store.removeHybridWorkerGroup("g1"))
            #expect(try await store.hybridWorkers().isEmpty)
            // A machine's removal takes its memberships with it.
            try await store.workerSeen(machine: "web2", groups: ["g9"], concurrency: 1, at: now)
            #expect(try await store.removeMachine(named: "web2"))
            #expect(try await store.hybridWorkers().isEmpty)
        }
    }

    /// Azure's failure rules for a group's jobs: past the window, the jobs of a group none of
    /// whose workers was seen within it are Suspended saying why (a fresh job, a live group's
    /// and a node's wait on); a running job restarted up to its limit is Suspended, not Failed.
    @Test(arguments: StoreKind.available) func groupJobsWithoutALiveWorkerOrRestartsLeftAreSuspended(
        kind: StoreKind
    ) async throws {
        try await kind.withStore { store async throws in
            let hourAgo = Date().addingTimeInterval(-3600)
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            for name in ["web1", "web2"] {
                try await store.registerMachine(try Self.machine(name), replace: false, at: now)
            }
            try await store.workerSeen(machine: "web1", groups: ["live"], concurrency: 4, at: Date())
            try await store.workerSeen(machine: "web2", groups: ["gone"], concurrency: 4, at: hourAgo)
            try await store.createJob(Self.job("live-job", runOn: "live", at: hourAgo))
            try await store.createJob(Self.job("gone-job", runOn: "gone", at: hourAgo))
            try await store.createJob(Self.job("never-job", runOn: "never", at: hourAgo))
            try await store.createJob(Self.job("fresh-job", runOn: "never", at: Date()))
            try await store.createJob(Self.job("node-job", runOn: nil, at: hourAgo))
            let suspended = try await store.suspendJobsWithoutWorkers(waitedLongerThan: .seconds(1800))
            #expect(suspended.map(\.id).sorted() == ["gone-job", "never-job"])
            let gone = try #require(try await store.job(exactly: "gone-job"))
            #expect(gone.status == .suspended)
            #expect(
                (gone.exception ?? "").contains("no worker of the hybrid worker group 'gone' has been seen since"),
                "\(gone.exception ?? "")")
            #expect((try await store.job(exactly: "never-job")?.exception ?? "").contains("seen ever (no worker"))
            for waiting in ["live-job", "fresh-job", "node-job"] {
                #expect(try await store.job(exactly: waiting)?.status == .new, "\(waiting)")
            }
            #expect(try await store.suspendJobsWithoutWorkers(waitedLongerThan: .seconds(1800)).isEmpty)

            // The live group's worker claims its job and dies in its step, with no restart left.
            let node = HybridWorkerInfo.nodeId(machine: "web1")
            try await store.registerNode(id: node, host: "web1", pid: 4242)
            var last = Self.job("last-chance", runOn: "live", at: hourAgo)
            last.restartLimit = 2
            last.restarts = 2
            try await store.createJob(last)
            let claimed = try await store.claimGroupJobs(node: node, groups: ["live"], limit: 5, lease: .zero)
            #expect(claimed.map(\.id) == ["last-chance", "live-job"])
            _ = try await store.workerRecorder(node: node).stepBoundary(
                job: "last-chance", entering: [.activating, .running], step: 0, at: Date())
            try await Task.sleep(for: .milliseconds(20))
            let recovered = try await store.recoverExpiredLeases()
            #expect(recovered.contains(RecoveredJob(id: "last-chance", status: .suspended)), "\(recovered)")
            let ending = try #require(try await store.job(exactly: "last-chance"))
            #expect(ending.status == .suspended)
            #expect(
                (ending.exception ?? "").contains("the hybrid worker web1")
                    && (ending.exception ?? "").contains("suspended by recovery after 2 restart(s), its limit"),
                "\(ending.exception ?? "")")

            // A worker that went silent while its job was Suspending: the job is Suspended (a
            // worker's writes are fenced, so nothing it sends later can change it).
            try await store.createJob(Self.job("suspending", runOn: "live", at: hourAgo))
            // (live-job, claimed above and never started, waits again and is claimed with it)
            #expect(
                try await store.claimGroupJobs(node: node, groups: ["live"], limit: 5, lease: .zero).map(\.id)
                    .contains("suspending"))
            _ = try await store.workerRecorder(node: node).stepBoundary(
                job: "suspending", entering: [.activating, .running], step: 0, at: Date())
            _ = try await store.requestSuspend(job: "suspending", at: Date(), by: .commandLine)
            #expect(try await store.job(exactly: "suspending")?.status == .suspending)
            try await Task.sleep(for: .milliseconds(20))
            _ = try await store.recoverExpiredLeases()
            #expect(try await store.job(exactly: "suspending")?.status == .suspended)
        }
    }

    /// A job handed over between steps (`runOn` on a step) waits Resuming for where its next
    /// step runs: a worker of the group claims it, and handed back it is a node's again.
    @Test(arguments: StoreKind.available) func aJobHandedOverBetweenStepsIsClaimedWhereItsStepRuns(
        kind: StoreKind
    ) async throws {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            try await store.registerMachine(try Self.machine("web1"), replace: false, at: now)
            try await store.workerSeen(machine: "web1", groups: ["g1"], concurrency: 4, at: now)
            try await store.registerNode(id: "n1", host: "h1", pid: 100)
            let worker = HybridWorkerInfo.nodeId(machine: "web1")
            try await store.registerNode(id: worker, host: "web1", pid: 200)
            try await store.createJob(Self.job("mixed", runOn: nil, at: now))
            #expect(try await store.claimNewJobs(node: "n1", limit: 5, lease: .seconds(60)).map(\.id) == ["mixed"])
            _ = try await store.stepBoundary(job: "mixed", entering: [.activating, .running], step: 0, at: now)
            try await store.handOver(job: "mixed", beforeStep: 1, to: "g1", at: now.addingTimeInterval(1))
            var job = try #require(try await store.job(exactly: "mixed"))
            #expect(job.status == .resuming && job.runOn == "g1" && job.checkpointStep == 1)
            #expect(try await store.claimNewJobs(node: "n1", limit: 5, lease: .seconds(60)).isEmpty)
            #expect(
                try await store.claimGroupJobs(node: worker, groups: ["g1"], limit: 5, lease: .seconds(60)).map(\.id)
                    == ["mixed"])
            let recorder = store.workerRecorder(node: worker)
            _ = try await recorder.stepBoundary(job: "mixed", entering: [.running], step: 1, at: now)
            try await recorder.handOver(job: "mixed", beforeStep: 2, to: nil, at: now.addingTimeInterval(2))
            job = try #require(try await store.job(exactly: "mixed"))
            #expect(job.status == .resuming && job.runOn == nil && job.checkpointStep == 2)
            // The worker holds it no more: its writes are refused.
            await #expect(throws: StoreError.self) {
                try await recorder.transition(job: "mixed", to: .completed, at: now, exception: nil)
            }
            let history = try await store.statusHistory(job: "mixed").map(\.status)
            #expect(history == [.new, .activating, .running, .resuming, .running, .resuming])

            // A suspend or stop asked since the step boundary takes effect at the hand-over.
            for (id, stop) in [("asked-suspend", false), ("asked-stop", true)] {
                try await store.createJob(Self.job(id, runOn: nil, at: now))
                _ = try await store.claimNewJobs(node: "n1", limit: 5, lease: .seconds(60))
                _ = try await store.stepBoundary(job: id, entering: [.activating, .running], step: 0, at: now)
                if stop {
                    _ = try await store.requestStop(job: id, at: now, by: .commandLine)
                } else {
                    _ = try await store.requestSuspend(job: id, at: now, by: .commandLine)
                }
                try await store.handOver(job: id, beforeStep: 1, to: "g1", at: now.addingTimeInterval(1))
                let asked = try #require(try await store.job(exactly: id))
                #expect(asked.status == (stop ? .stopped : .suspended) && asked.runOn == nil, "\(asked)")
                #expect((asked.exception ?? "").contains(stop ? "stopped before step 2" : "suspended before step 2"))
            }
        }
    }
}
