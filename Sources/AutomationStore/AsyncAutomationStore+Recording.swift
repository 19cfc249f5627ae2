import Automation
import Foundation
import GRDB

/// The job engine's writes on the embedded store, each one transaction through GRDB's callback
/// access (no cooperative thread waits on the writer).
extension AsyncAutomationStore: JobRecording {
    public func stepBoundary(job id: String, entering: [JobStatus], step: Int, at now: Date) async throws
        -> JobStepRequests
    {
        try await write { db in try AutomationStore.stepBoundary(db, job: id, entering: entering, step: step, at: now) }
    }

    public func suspend(job id: String, atStep step: Int, at now: Date, reason: String, waitRemaining: Double?)
        async throws
    {
        try await write { db in
            try AutomationStore.suspend(
                db, job: id, atStep: step, at: now, reason: reason, waitRemaining: waitRemaining)
        }
    }

    public func handOver(job id: String, beforeStep step: Int, to group: String?, at now: Date) async throws {
        try await write { db in try AutomationStore.handOver(db, job: id, beforeStep: step, to: group, at: now) }
    }

    public func transition(job id: String, to status: JobStatus, at now: Date, exception: String?) async throws {
        try await write { db in
            try AutomationStore.transition(db, job: id, to: status, at: now, exception: exception)
        }
    }

    public func appendStream(job id: String, _ entries: [(StreamKind, Date, String)]) async throws
        -> [StreamRecord]
    {
        try await write { db in try AutomationStore.appendStream(db, job: id, entries) }
    }

    public func pendingRequests(job id: String) async throws -> JobStepRequests {
        try await read { db in try AutomationStore.pendingRequests(db, job: id) }
    }

    public func streamUsage(job id: String) async throws -> [StreamKind: JobStreamUsage] {
        try await read { db in try AutomationStore.streamUsage(db, job: id) }
    }

    public func claimResume(job id: String) async throws -> Bool {
        try await write { db in try AutomationStore.claimResume(db, job: id, owner: .current) }
    }

    public func addTargets(job id: String, _ names: [String]) async throws {
        try await write { db in try AutomationStore.addTargets(db, job: id, names) }
    }
}
