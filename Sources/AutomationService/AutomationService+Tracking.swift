import Automation
import ChangeTracking
import Foundation

/// Change Tracking: an account's tracking settings, and the change and inventory queries. On
/// either store.
extension AutomationService {
    /// The account's settings with their version and when they last changed (nil: Azure's initial ones).
    public func trackingSettings(account: String) async throws(ServiceError) -> TrackingSettingsVersion {
        try await storeCall { try await trackingStore.trackingSettings(account: account) }
    }

    /// Applies a change of tracked items through the configure-tracking rules; false (with
    /// Error lines on `sink`) when anything is refused, and then nothing is stored.
    public func configureTracking(_ request: ConfigurationRequest, sink: some StreamSink) async throws -> Bool {
        try await TrackingConfiguration(store: stores, now: now).apply(request, jobId: nil, sink: sink)
    }

    /// `ConfigurationChange` rows, newest first.
    public func changes(_ filter: ChangeFilter) async throws(ServiceError) -> [ChangeRow] {
        try await storeCall { try await trackingStore.changes(filter) }
    }

    /// `ConfigurationData` rows from each machine's latest scan.
    public func inventory(machine: String?, type: ConfigType?) async throws(ServiceError) -> [InventoryRow] {
        try await storeCall { try await trackingStore.inventory(machine: machine, type: type) }
    }
}
