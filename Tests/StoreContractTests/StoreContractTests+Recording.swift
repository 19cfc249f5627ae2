import Automation
import Foundation
import Testing

@testable import PostgresStore

/// Issue 22, item 2: every method of `JobRecording` (what the engine writes while it runs a
/// job) and the scheduler's queued resumes, on every store; and on PostgreSQL the fence: a
/// node's view refuses every write to a job whose lease it no longer holds.
extension StoreContractTests {
    @Test(arguments: StoreKind.available) func everyRecordingMethodKeepsItsContract(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            #expect(store.leaseNode == nil)
            try await store.createJob(Self.job("r", at: now))
            let asked = try await store.stepBoundary(job: "r", entering: [.activating, .running], step: 0, at: now)
            #expect(asked == JobStepRequests(stop: false, suspend: false))
            var job = try #require(try await store.job(exactly: "r"))
            #expect(job.status == .running && job.checkpointStep == 0 && job.startedAt == now)
            try await store.addTargets(job: "r", ["web2", "web1", "web2"])
            #expect(try await store.job(exactly: "r")?.targets == ["web1", "web2"])
            let records = try await store.appendStream(job: "r", [(.output, now, "one"), (.warning, now, "two!")])
            #expect(records.map(\.seq) == [1, 2])
            #expect(
                try await store.streamUsage(job: "r") == [
                    .output: JobStreamUsage(bytes: 3, truncated: false),
                    .warning: JobStreamUsage(bytes: 4, truncated: false),
                ])
            #expect(try await store.pendingRequests(job: "r") == JobStepRequests(stop: false, suspend: false))
            try await store.suspend(job: "r", atStep: 1, at: now, reason: "asked", waitRemaining: 12.5)
            job = try #require(try await store.job(exactly: "r"))
            #expect(job.status == .suspended && job.checkpointStep == 1 && job.waitRemaining == 12.5)
            #expect(job.exception == "asked")
            #expect(try await store.queuedResumes().isEmpty)
            guard case .queued = try await store.queueResume(job: "r", at: now) else {
                Issue.record("a Suspended job is queued for resume")
                return
            }
            #expect(try await store.queuedResumes() == ["r"])
            #expect(try await store.claimResume(job: "r"))
            #expect(try await store.claimResume(job: "r") == false)  // taken once
            #expect(try await store.queuedResumes().isEmpty)
            try await store.transition(job: "r", to: .completed, at: now, exception: nil)
            job = try #require(try await store.job(exactly: "r"))
            #expect(job.status == .completed && job.endedAt == now)
            // An ended job never changes again.
            await #expect(throws: StoreError.self) {
                try await store.transition(job: "r", to: .failed, at: now, exception: "late")
            }
        }
    }

    @Test(.enabled(if: PostgresStoreTests.hasServer, Comment(rawValue: StoreKind.skipNote)))
    func aNodesViewWritesOnlyWhileItHoldsTheLease() async throws {
        try await StoreKind.postgresql.withStore { store async throws in
            let postgres = try #require(store as? PostgresStore)
            try await postgres.registerNode(id: "a", host: "host-a", pid: 41)
            try await postgres.registerNode(id: "b", host: "host-b", pid: 42)
            try await postgres.createJob(Self.job("f", at: now))
            #expect(try await postgres.claimNewJobs(node: "a", limit: 1, lease: .seconds(600)).count == 1)
            let holder = postgres.recorder(node: "a")
            let other = postgres.recorder(node: "b")
            #expect(holder.leaseNode == "a")
            _ = try await holder.stepBoundary(job: "f", entering: [.activating, .running], step: 0, at: now)
            _ = try await holder.appendStream(job: "f", [(.output, now, "mine")])
            // Another node's view writes nothing to a job it does not hold.
            let writes: [@Sendable () async throws -> Void] = [
                { _ = try await other.stepBoundary(job: "f", entering: [], step: 1, at: now) },
                { _ = try await other.appendStream(job: "f", [(.output, now, "not mine")]) },
                { try await other.transition(job: "f", to: .failed, at: now, exception: "not mine") },
                { try await other.suspend(job: "f", atStep: 1, at: now, reason: "not mine", waitRemaining: nil) },
                { try await other.addTargets(job: "f", ["elsewhere"]) },
            ]
            for write in writes {
                await #expect(throws: StoreError.self) { try await write() }
            }
            #expect(try await postgres.streams(job: "f", kind: nil).map(\.message) == ["mine"])
            #expect(try await postgres.job(exactly: "f")?.status == .running)
        }
    }
}
