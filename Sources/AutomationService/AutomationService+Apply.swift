import Automation
import AutomationStore
import Foundation

/// Automation files: account, workspace, gateways, machines and schedules in one transaction, on
/// either store.
extension AutomationService {
    /// Applies a validated automation file: all of it, or nothing.
    public func apply(_ file: AutomationFile) async throws(ServiceError) -> ApplySummary {
        try await storeCall { try await stores.apply(file, at: now()) }
    }
}
