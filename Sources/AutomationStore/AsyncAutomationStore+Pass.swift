import Automation
import Foundation
import GRDB

/// The scheduler pass on GRDB's async access: the same transaction bodies as the synchronous
/// `passState()` and `commitPass(_:at:owner:)`.
extension AsyncAutomationStore: SchedulerPassStoring {
    public func passState() async throws -> [ScheduleState] {
        try await store.asyncRead { [store] db in try store.passState(db) }
    }

    public func commitPass(_ plans: [FirePlan], at now: Date) async throws -> [String: [Job]] {
        try await store.asyncWrite { db in try AutomationStore.commitPass(db, plans, at: now, owner: .current) }
    }
}

extension AsyncAutomationStore: SchedulerStoring {
    public func queuedResumes() async throws -> [String] {
        try await read { db in try AutomationStore.queuedResumes(db) }
    }
}
