import Automation
import AutomationStore
import Foundation

/// Stop, suspend and resume requests as the store records them, with their outcome for a front
/// end that words each one itself (the command line).
extension AutomationService {
    public func requestStop(job id: String) throws(ServiceError) -> JobStopOutcome {
        try storeCall { try store.requestStop(job: id, at: now()) }
    }

    public func requestSuspend(job id: String) throws(ServiceError) -> JobSuspendOutcome {
        try storeCall { try store.requestSuspend(job: id, at: now()) }
    }

    /// Marks a Suspended job Resuming, for a scheduler's next pass.
    public func queueResume(job id: String) throws(ServiceError) -> JobResumeOutcome {
        try storeCall { try store.queueResume(job: id, at: now()) }
    }
}
