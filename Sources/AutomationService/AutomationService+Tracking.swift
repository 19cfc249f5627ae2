import Automation
import AutomationStore
import ChangeTracking
import Foundation

/// Change Tracking: an account's tracking settings, and the change and inventory queries.
extension AutomationService {
    /// The account's settings with their version and when they last changed (nil: Azure's initial ones).
    public func trackingSettings(account: String) throws(ServiceError) -> (
        settings: TrackingSettings, version: Int, changedAt: Date?
    ) {
        try storeCall { try store.trackingSettings(account: account) }
    }

    /// Applies a change of tracked items through the configure-tracking rules; false (with
    /// Error lines on `sink`) when anything is refused, and then nothing is stored.
    public func configureTracking(_ request: ConfigurationRequest, sink: some StreamSink) async throws -> Bool {
        try await TrackingConfiguration(store: store, now: now).apply(request, jobId: nil, sink: sink)
    }

    /// `ConfigurationChange` rows, newest first.
    public func changes(_ filter: ChangeFilter) throws(ServiceError) -> [ChangeRow] {
        try storeCall { try store.changes(filter) }
    }

    /// `ConfigurationData` rows from each machine's latest scan.
    public func inventory(machine: String?, type: ConfigType?) throws(ServiceError) -> [InventoryRow] {
        try storeCall { try store.inventory(machine: machine, type: type) }
    }
}
