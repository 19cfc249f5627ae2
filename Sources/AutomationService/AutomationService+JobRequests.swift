import Automation
import AutomationStore
import Foundation

/// Stop, suspend and resume requests as the store records them, with their outcome for a front
/// end that words each one itself (the command line).
extension AutomationService {
    public func requestStop(job id: String) async throws(ServiceError) -> JobStopOutcome {
        try await storeCall { try await stores.requestStop(job: id, at: now()) }
    }

    public func requestSuspend(job id: String) async throws(ServiceError) -> JobSuspendOutcome {
        try await storeCall { try await stores.requestSuspend(job: id, at: now()) }
    }

    /// Marks a Suspended job Resuming, for a scheduler's next pass (or a node's claim).
    public func queueResume(job id: String) async throws(ServiceError) -> JobResumeOutcome {
        try await storeCall { try await stores.queueResume(job: id, at: now()) }
    }
}
