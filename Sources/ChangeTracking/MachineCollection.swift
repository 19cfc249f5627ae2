import Automation
import Foundation

/// One collection of a Linux machine's tracked items, outside a scan: what `runbook agent`
/// runs on its own machine with the same collectors a scan of a folder uses.
public struct MachineCollection: Sendable {
    public var items: [InventoryItem]
    /// The file index to pass to the next collection (files whose stat did not change are not hashed again).
    public var index: FileIndex
    /// Files whose stat matched `previousIndex`: left out of `items`, they are as last collected.
    public var unchangedFiles: [String]
    public var warnings: [String]
    /// Problems that make this collection unusable (nothing should be sent from it).
    public var errors: [String]

    /// Collects the machine whose `/` is `root` under these settings.
    public static func collect(
        root path: String, settings: TrackingSettings, profile: LimitsProfile,
        previousIndex: FileIndex, racyCutoff: Date?
    ) async -> MachineCollection {
        let root: MachineRoot
        do {
            root = try MachineRoot(path: path)
        } catch {
            return MachineCollection(
                items: [], index: [:], unchangedFiles: [], warnings: [], errors: ["the root \(path): \(error)"])
        }
        let context = ScanContext(
            settings: settings, profile: profile, previousIndex: previousIndex,
            racyCutoffNs: racyCutoff.map { Int64($0.timeIntervalSince1970 * 1e9) })
        let collected = await LinuxCollector(root: root, isLocal: path == "/").collect(context)
        return MachineCollection(
            items: collected.items.sorted(by: InventoryItem.ordered), index: collected.index,
            unchangedFiles: collected.unchangedFiles, warnings: collected.warnings, errors: collected.errors)
    }
}
