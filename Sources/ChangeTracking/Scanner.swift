import Automation
import Foundation

public struct ScanOutcome: Sendable, Hashable {
    public var scanned: [String] = []
    public var failed: [String] = []
    public var changes = 0
}

/// Points inside a scan where tests act (stop the scan, swap a file, run another scan).
struct ScanHooks: Sendable {
    var beforeHashing: (@Sendable () async -> Void)?
    var beforeCommit: (@Sendable () async -> Void)?
}

/// Scans machines: collect, diff against the stored snapshot in one merge pass, and commit the
/// new snapshot with its changes atomically per machine.
public struct Scanner: Sendable {
    let store: any ChangeTrackingStoring
    let now: @Sendable () -> Date
    var hooks = ScanHooks()

    /// How often a machine's diff is redone when other scans of it keep committing first.
    static let maxCommitAttempts = 8

    public init(store: any ChangeTrackingStoring, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    /// A stop (Ctrl-C, SIGTERM, `jobs stop`) cancels the calling task; it is honoured at every
    /// point up to the commit of each machine, which it rolls back if it arrives during it.
    /// `progress` hears how far the scan is, from the scanning threads, until a last `finished`.
    /// `leaseNode`: the node running the job (its commits check it still holds the job's lease).
    public func scan(
        _ machines: [MachineState], account: AccountState, jobId: String?, sink: some StreamSink,
        progress: ScanProgress.Observer? = nil, leaseNode: String? = nil
    ) async throws -> ScanOutcome {
        let stopped = OnceFlag()
        let reporter = progress.map { ScanProgressReporter(machines: machines.count, observer: $0) }
        // Finished whatever happens, so a terminal line showing the scan goes away.
        defer { reporter?.finish() }
        return try await withTaskCancellationHandler {
            try await scan(
                machines, account: account, jobId: jobId, sink: sink, stopped: stopped, progress: reporter,
                leaseNode: leaseNode)
        } onCancel: {
            stopped.set()
        }
    }

    func scan(
        _ machines: [MachineState], account: AccountState, jobId: String?, sink: some StreamSink, stopped: OnceFlag,
        progress: ScanProgressReporter? = nil, leaseNode: String? = nil
    ) async throws -> ScanOutcome {
        var outcome = ScanOutcome()
        let settings = try await store.trackingSettings(account: account.account.name).settings
        for (done, state) in machines.enumerated() {
            let machine = state.machine
            progress?.startMachine(machine.name, done: done)
            if stopped.isSet || Task.isCancelled {
                await sink.write(.warning, "\(machine.name): not scanned, the scan was interrupted")
                outcome.failed.append(machine.name)
                continue
            }
            if case .agent = machine.source {
                // Its agent collects on its own schedule; each upload is diffed as a scan would be.
                await sink.write(.output, "\(machine.name): reports through its agent; not scanned by the server")
                continue
            }
            guard state.solutions[.changeTracking] != nil || state.solutions[.inventory] != nil else {
                await sink.write(
                    .warning, "\(machine.name): tracking is not enabled; skipped (run enable-tracking first)")
                continue
            }
            let started = now()
            let last = try await store.lastScan(machine: machine.name)
            let context = ScanContext(
                settings: settings, profile: account.account.profile,
                previousIndex: try await store.fileIndex(machine: machine.name),
                racyCutoffNs: last.map { Int64($0.startedAt.timeIntervalSince1970 * 1e9) },
                beforeHashing: hooks.beforeHashing, progress: progress)
            let collected = await collect(machine, context: context)
            // Interrupted while collecting or hashing: commit nothing, the previous snapshot stays.
            if stopped.isSet || Task.isCancelled {
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
            progress?.startStoring()
            let current = collected.items.sorted(by: InventoryItem.ordered)
            switch try await commit(
                machine.name, current, collected, context: context, started: started, jobId: jobId, stopped: stopped,
                leaseNode: leaseNode)
            {
            case .committed(let changes, let baseline, let ended):
                outcome.scanned.append(machine.name)
                outcome.changes += baseline ? 0 : changes.count  // a baseline records none
                await sink.write(
                    .output,
                    summary(
                        machine.name, current.count + collected.unchangedFiles.count, changes, baseline: baseline,
                        collected, ended.timeIntervalSince(started)))
            case .stopped:
                await sink.write(.warning, "\(machine.name): scan interrupted; the previous snapshot is kept")
                outcome.failed.append(machine.name)
            case .refused(let reason):
                await sink.write(.error, "\(machine.name): \(reason); the previous snapshot is kept")
                outcome.failed.append(machine.name)
            case .contended:
                await sink.write(
                    .error,
                    "\(machine.name): other scans of this machine committed first \(Self.maxCommitAttempts) times; "
                        + "this scan recorded nothing (run it again)")
                outcome.failed.append(machine.name)
            }
        }
        return outcome
    }

    enum Committed {
        case committed([ItemChange], baseline: Bool, ended: Date)
        case stopped
        case contended
        /// An item no store can keep whole: nothing was stored.
        case refused(String)
    }

    /// Diffs against the stored snapshot and commits, on the condition that no other scan of
    /// the machine committed in between; if one did, diffs again against what it stored.
    private func commit(
        _ machine: String, _ current: [InventoryItem], _ collected: Collected, context: ScanContext, started: Date,
        jobId: String?, stopped: OnceFlag, leaseNode: String?
    ) async throws -> Committed {
        for attempt in 0..<Self.maxCommitAttempts {
            // The version first, then the snapshot: a commit in between makes this attempt stale, never wrong.
            let mark = try await store.lastScan(machine: machine)
            let changes = try await diff(machine: machine, current: current, unchangedFiles: collected.unchangedFiles)
            // A NUL in an item's name (a crafted package database or registry export): SQLite's
            // text reads would cut the name there and PostgreSQL's text cannot hold it.
            if let bad = changes.first(where: { $0.key.utf8.contains(0) }) {
                let shown = bad.key.replacingOccurrences(of: "\u{0}", with: "\\0")
                return .refused("the \(bad.type.rawValue) item '\(shown)' has a NUL byte in its name")
            }
            let ended = now()
            // Every entry reused and none gone: the stored index is already right (unless
            // another scan wrote its own since).
            let indexUnchanged =
                attempt == 0 && collected.hashed == 0 && collected.index.count == context.previousIndex.count
            await hooks.beforeCommit?()
            guard !stopped.isSet, !Task.isCancelled else { return .stopped }
            // A machine's first scan is its baseline: it records inventory, not changes.
            let record = ScanRecord(
                machine: machine, changes: changes, recordChanges: mark != nil,
                fileIndex: indexUnchanged ? nil : collected.index, startedAt: started, endedAt: ended, jobId: jobId,
                expectedScans: mark?.scans ?? 0, leaseNode: leaseNode)
            let result = try await store.commitScan(record, proceed: { !stopped.isSet })
            switch result {
            case .committed: return .committed(changes, baseline: mark == nil, ended: ended)
            case .stopped: return .stopped
            case .stale: continue
            }
        }
        return .contended
    }

    /// The changes since the stored snapshot. Files whose stat matched the index are the same
    /// item by construction (their fields come from that stat and the reused checksum), so only
    /// the other items are read back and merged: a rescan of an unchanged tree decodes almost nothing.
    private func diff(machine: String, current: [InventoryItem], unchangedFiles: [String]) async throws
        -> [ItemChange]
    {
        // Each unchanged file is a stored file item: the index it matched was committed with
        // the items. When they are as many as the stored file items, they are all of them, so
        // no stored file was removed and no stored key needs reading.
        if try await store.fileCount(machine: machine) == unchangedFiles.count {
            return SnapshotDiff.changes(
                previous: try await store.snapshot(machine: machine, files: []), current: current)
        }
        let unchanged = Set(unchangedFiles)
        let storedFiles = try await store.fileKeys(machine: machine)
        let previous = try await store.snapshot(machine: machine, files: storedFiles.subtracting(unchanged))
        // An unchanged file missing from the store (never expected) is compared, so it shows as Added.
        let comparable = current.filter {
            $0.type != .files || !unchanged.contains($0.key) || !storedFiles.contains($0.key)
        }
        return SnapshotDiff.changes(previous: previous, current: comparable)
    }

    private func collect(_ machine: Machine, context: ScanContext) async -> Collected {
        let folder: String =
            switch machine.source {
            case .local: "/"
            case .linuxRoot(let root): root
            case .windowsFolder(let folder): folder
            case .agent: ""
            }
        // Opened once: every read of this machine goes through this descriptor. A machine folder
        // that has gone (unmounted, moved) is a failed scan, not an empty machine: an empty
        // snapshot would record every tracked item as Removed.
        let root: MachineRoot
        do {
            root = try MachineRoot(path: folder)
        } catch {
            var failed = Collected()
            switch error {
            case .machineFolderIsLink, .notAFolderName: failed.errors.append("\(machine.name): \(error)")
            default:
                failed.errors.append("\(machine.name): machine folder \(folder) is missing or not a folder (\(error))")
            }
            return failed
        }
        switch machine.source {
        case .local:
            return await LinuxCollector(root: root, isLocal: true).collect(context)
        case .linuxRoot:
            return await LinuxCollector(root: root, isLocal: false).collect(context)
        case .windowsFolder:
            return await WindowsCollector(root: root, machine: machine.name).collect(context)
        case .agent:
            var failed = Collected()
            failed.errors.append("\(machine.name): reports through its agent; the server does not read it")
            return failed
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
