import Automation
import AutomationStore
import Foundation

/// Automation files: account, workspace, gateways, machines and schedules in one transaction.
extension AutomationService {
    /// Applies a validated automation file: all of it, or nothing.
    public func apply(_ file: AutomationFile) throws(ServiceError) -> ApplySummary {
        try storeCall { try store.apply(file, at: now()) }
    }
}
