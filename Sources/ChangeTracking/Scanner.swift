import Automation
import AutomationStore
import Foundation

public struct ScanOutcome: Sendable, Hashable {
    public var scanned: [String] = []
    public var failed: [String] = []
    public var changes = 0
}

/// Scans machines: collect, diff against the stored snapshot in one merge pass, and commit the
/// new snapshot with its changes atomically per machine.
public struct Scanner: Sendable {
    let store: AutomationStore
    let now: @Sendable () -> Date

    public init(store: AutomationStore, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    public func scan(_ machines: [MachineState], account: AccountState, jobId: String?, sink: some StreamSink)
        async throws -> ScanOutcome
    {
        var outcome = ScanOutcome()
        let settings = try store.trackingSettings(account: account.account.name).settings
        for state in machines {
            let machine = state.machine
            if Task.isCancelled {
                await sink.write(.warning, "\(machine.name): not scanned, the scan was interrupted")
                outcome.failed.append(machine.name)
                continue
            }
            guard state.solutions[.changeTracking] != nil || state.solutions[.inventory] != nil else {
                await sink.write(
                    .warning, "\(machine.name): tracking is not enabled; skipped (run enable-tracking first)")
                continue
            }
            let started = now()
            let last = try store.lastScan(machine: machine.name)
            let context = ScanContext(
                settings: settings, profile: account.account.profile,
                previousIndex: try store.fileIndex(machine: machine.name),
                racyCutoffNs: last.map { Int64($0.startedAt.timeIntervalSince1970 * 1e9) })
            let collected = await collect(machine, context: context)
            // Interrupted while collecting: commit nothing, the previous snapshot stays.
            if Task.isCancelled {
                await sink.write(.warning, "\(machine.name): scan interrupted; the previous snapshot is kept")
                outcome.failed.append(machine.name)
                continue
            }
            for warning in collected.warnings { await sink.write(.warning, "\(machine.name): \(warning)") }
            if !collected.errors.isEmpty {
                for error in collected.errors { await sink.write(.error, error) }
                await sink.write(.error, "\(machine.name): scan failed; the previous snapshot is kept")
                outcome.failed.append(machine.name)
                continue
            }
            let current = collected.items.sorted(by: InventoryItem.ordered)
            let changes = try diff(machine: machine.name, current: current, unchangedFiles: collected.unchangedFiles)
            let ended = now()
            // A machine's first scan is its baseline: it records inventory, not changes.
            // Every entry reused and none gone: the stored index is already right.
            let indexUnchanged = collected.hashed == 0 && collected.index.count == context.previousIndex.count
            try store.commitScan(
                machine: machine.name, changes: changes, recordChanges: last != nil,
                fileIndex: indexUnchanged ? nil : collected.index, startedAt: started, endedAt: ended, jobId: jobId)
            outcome.scanned.append(machine.name)
            outcome.changes += last == nil ? 0 : changes.count  // a baseline records none
            await sink.write(
                .output,
                summary(
                    machine.name, current.count + collected.unchangedFiles.count, changes, baseline: last == nil,
                    collected,
                    ended.timeIntervalSince(started)))
        }
        return outcome
    }

    /// The changes since the stored snapshot. Files whose stat matched the index are the same
    /// item by construction (their fields come from that stat and the reused checksum), so only
    /// the other items are read back and merged: a rescan of an unchanged tree decodes almost nothing.
    private func diff(machine: String, current: [InventoryItem], unchangedFiles: Set<String>) throws -> [ItemChange] {
        let storedFiles = try store.fileKeys(machine: machine)
        let previous = try store.snapshot(machine: machine, files: storedFiles.subtracting(unchangedFiles))
        // An unchanged file missing from the store (never expected) is compared, so it shows as Added.
        let comparable = current.filter {
            $0.type != .files || !unchangedFiles.contains($0.key) || !storedFiles.contains($0.key)
        }
        return SnapshotDiff.changes(previous: previous, current: comparable)
    }

    private func collect(_ machine: Machine, context: ScanContext) async -> Collected {
        // A machine folder that has gone (unmounted, moved) is a failed scan, not an empty
        // machine: an empty snapshot would record every tracked item as Removed.
        let folder: String? =
            switch machine.source {
            case .local: nil
            case .linuxRoot(let root): root
            case .windowsFolder(let folder): folder
            }
        var isFolder: ObjCBool = false
        if let folder, !FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) || !isFolder.boolValue {
            var failed = Collected()
            failed.errors.append("\(machine.name): machine folder \(folder) is missing or not a folder")
            return failed
        }
        switch machine.source {
        case .local:
            return await LinuxCollector(root: "/", isLocal: true).collect(context)
        case .linuxRoot(let root):
            return await LinuxCollector(root: root, isLocal: false).collect(context)
        case .windowsFolder(let folder):
            return await WindowsCollector(folder: folder, machine: machine.name).collect(context)
        }
    }

    private func summary(
        _ name: String, _ items: Int, _ changes: [ItemChange], baseline: Bool, _ collected: Collected,
        _ seconds: TimeInterval
    ) -> String {
        func count(_ category: ChangeCategory) -> Int { changes.filter { $0.category == category }.count }
        let files = "files hashed \(collected.hashed), unchanged \(collected.reused)"
        let time = String(format: "%.2fs", seconds)
        if baseline {
            return "\(name): baseline of \(items) items recorded (\(time); \(files))"
        }
        return "\(name): \(items) items, \(count(.added)) added, \(count(.removed)) removed, "
            + "\(count(.modified)) modified (\(time); \(files))"
    }
}
