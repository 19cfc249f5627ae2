import Automation
import Foundation

/// Files of a machine: walk every enabled item, reuse the checksum of files whose stat did not
/// change, hash the rest on all cores.
struct FileCollection {
    struct Result: Sendable {
        var items: [InventoryItem] = []
        var index = FileIndex()
        var warnings: [String] = []
        var hashed = 0
        var reused = 0
        /// Keys of files whose checksum came from the index (stat unchanged); `items` leaves them out.
        var unchanged: [String] = []
    }

    let root: MachineRoot
    let windows: Bool
    let profile: LimitsProfile
    let previousIndex: FileIndex
    /// Files modified at or after the previous scan's start are "racily clean": their stat may
    /// not show a change made in the same tick, so they are hashed again (as git does).
    let racyCutoffNs: Int64?
    /// Counts files walked and hashed, for the progress a terminal shows; nil: not counted.
    var progress: ScanProgressReporter? = nil

    /// `beforeHashing` runs between the walk and the hashing: tests swap files there, or stop the scan.
    func collect(
        _ tracked: [(item: TrackedFile, path: String)], beforeHashing: (@Sendable () async -> Void)? = nil
    ) async -> Result {
        let (root, windows, progress) = (self.root, self.windows, self.progress)
        let walked = await OffPool.run { cancelled in
            var walker = FileWalker(root: root, windows: windows, cancelled: cancelled)
            walker.progress = progress
            for (item, path) in tracked { walker.collect(item, path: path) }
            return (walker.observations.sorted { $0.key < $1.key }, walker.warnings, walker.folders)
        }
        var result = Result()
        result.warnings = walked.1
        var observations = walked.0
        // A file two items select is tracked once (the first item's view of it).
        if tracked.count > 1 {
            var unique: [FileObservation] = []
            unique.reserveCapacity(observations.count)
            for observation in observations where unique.last?.key != observation.key { unique.append(observation) }
            observations = unique
        }
        if profile == .azure && observations.count > AzureDefaults.maxFiles {
            result.warnings.append(
                "\(observations.count) files selected; the azure profile tracks at most \(AzureDefaults.maxFiles) "
                    + "per machine: the first \(AzureDefaults.maxFiles) by path are kept, \(observations.count - AzureDefaults.maxFiles) "
                    + "are not tracked (runbook account set --profile extended lifts the cap)")
            observations = Array(observations.prefix(AzureDefaults.maxFiles))
        }
        if observations.count > AzureDefaults.filesPerCycleWarning {
            result.warnings.append(
                "\(observations.count) files in one cycle; Azure documents degraded performance above "
                    + "\(AzureDefaults.filesPerCycleWarning)")
        }
        var toHash: [Int] = []
        var checksums = [String?](repeating: nil, count: observations.count)
        var stable = [Bool](repeating: true, count: observations.count)
        // Where an unchanged file's entry is in the previous index (its digest is copied from there).
        var reusedFrom = [Int](repeating: -1, count: observations.count)
        var hint = 0
        for (position, observation) in observations.enumerated() where observation.linkTarget == nil {
            if profile == .azure && observation.stat.size > Int64(AzureDefaults.maxFileBytes) {
                result.warnings.append(
                    "\(observation.key): \(observation.stat.size) bytes, over the azure profile's 5 MB file size; "
                        + "tracked by size and time only, not hashed")
                continue
            }
            if let found = previousIndex.position(of: observation.key, hint: &hint),
                previousIndex.stat(at: found) == Self.fileStat(observation.stat),
                racyCutoffNs.map({ observation.stat.mtimeNs < $0 && observation.stat.ctimeNs < $0 }) ?? false
            {
                reusedFrom[position] = found
                result.reused += 1
                result.unchanged.append(observation.key)
            } else {
                toHash.append(position)
            }
        }
        await beforeHashing?()
        progress?.startHashing(
            files: toHash.count, bytes: toHash.reduce(Int64(0)) { $0 + observations[$1].stat.size })
        let outcomes = await Self.hashAll(
            toHash.map { observations[$0] }, root: root, folders: walked.2, progress: progress)
        var contents = [Data?](repeating: nil, count: observations.count)
        var digests = [[UInt8]?](repeating: nil, count: observations.count)
        for (offset, position) in toHash.enumerated() {
            let outcome = outcomes[offset]
            checksums[position] = outcome.sha256
            stable[position] = outcome.stable
            contents[position] = outcome.content
            digests[position] = outcome.digest
            if let warning = outcome.warning { result.warnings.append(warning) }
        }
        result.hashed = toHash.count
        for observation in observations
        where observation.uploadContent && observation.stat.size > Int64(Self.maxUploadBytes) {
            result.warnings.append(
                "\(observation.key): content not kept (uploadContent): \(observation.stat.size) bytes, over \(Self.maxUploadBytes)"
            )
        }
        var index = FileIndex.Builder(capacity: observations.count)
        for (position, observation) in observations.enumerated() {
            let found = reusedFrom[position]
            if found >= 0 {
                // A file whose stat matched the index is the stored item unchanged: no need to build it.
                index.append(from: previousIndex, at: found, stat: Self.fileStat(observation.stat))
                continue
            }
            result.items.append(item(observation, checksum: checksums[position], content: contents[position]))
            if let digest = digests[position], stable[position], observation.linkTarget == nil {
                index.append(path: observation.key, stat: Self.fileStat(observation.stat), digest: digest)
            }
        }
        result.index = index.index()
        return result
    }

    private func item(_ observation: FileObservation, checksum: String?, content: Data?) -> InventoryItem {
        let stat = observation.stat
        var fields: [String: String] = [
            "FileSystemPath": observation.key,
            "Size": String(stat.size),
            "DateModified": Self.isoTime(nanoseconds: stat.mtimeNs),
        ]
        if let checksum { fields["FileContentChecksum"] = checksum }
        if observation.uploadContent {
            // Azure uploads content to a storage account; here it is kept with the item, base64:
            // the bytes the hasher read through the machine's root, never a second open by path.
            fields["FileContent"] = content?.base64EncodedString() ?? ""
        }
        if let target = observation.linkTarget { fields["LinkTarget"] = target }
        if !windows {
            fields["Acls"] = Self.modeString(stat.mode)
            fields["Owner"] = String(stat.uid)
            fields["Group"] = String(stat.gid)
        }
        return InventoryItem(type: .files, key: observation.key, fields: fields)
    }

    /// Content kept for `uploadContent` items, per file; larger files keep none, with a warning.
    static let maxUploadBytes = 64 * 1024

    /// Hashes on every core: one thread per core (off the cooperative pool), each taking the
    /// next run of files in path order, so a thread's files mostly share a folder and the cores
    /// stay busy to the end whatever the sizes.
    static func hashAll(
        _ observations: [FileObservation], root: MachineRoot, folders: [MachineDirectory] = [],
        progress: ScanProgressReporter? = nil
    ) async -> [FileHasher.Outcome] {
        guard !observations.isEmpty else { return [] }
        let workers = min(max(1, ProcessInfo.processInfo.activeProcessorCount), observations.count)
        let next = NextRun(count: observations.count)
        return await withTaskGroup(of: [(Int, FileHasher.Outcome)].self) { group in
            for _ in 0..<workers {
                group.addTask {
                    await OffPool.run { cancelled in
                        var hasher = FileHasher(root: root, folders: folders)
                        var done: [(Int, FileHasher.Outcome)] = []
                        while let run = next.claim() {
                            for index in run {
                                // An interrupted scan stops hashing; its results are never committed.
                                guard !cancelled.isSet else { return done }
                                done.append(
                                    (
                                        index,
                                        hasher.hash(
                                            observations[index], contentLimit: maxUploadBytes, progress: progress)
                                    ))
                                progress?.hashedFile()
                            }
                        }
                        return done
                    }
                }
            }
            var outcomes = [FileHasher.Outcome](
                repeating: FileHasher.Outcome(sha256: nil, warning: nil, stable: false), count: observations.count)
            for await batch in group {
                for (position, outcome) in batch { outcomes[position] = outcome }
            }
            return outcomes
        }
    }

    static func fileStat(_ stat: StatInfo) -> FileStat {
        FileStat(
            device: stat.device, inode: stat.inode, size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs,
            mode: Int64(stat.mode), uid: stat.uid, gid: stat.gid)
    }

    /// `2026-11-24T22:57:35Z`, built by hand: a formatter per file costs more than the hash of
    /// an unchanged file, which a rescan never computes.
    static func isoTime(nanoseconds: Int64) -> String {
        var seconds = time_t(nanoseconds / 1_000_000_000)
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "" }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : String(value) }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// `-rw-r--r--` from a mode.
    static func modeString(_ mode: UInt32) -> String {
        let kind: Character
        switch mode & S_IFMT {
        case S_IFDIR: kind = "d"
        case S_IFLNK: kind = "l"
        default: kind = "-"
        }
        let flags: [(UInt32, Character)] = [
            (0o400, "r"), (0o200, "w"), (0o100, "x"), (0o040, "r"), (0o020, "w"), (0o010, "x"), (0o004, "r"),
            (0o002, "w"), (0o001, "x"),
        ]
        return String([kind] + flags.map { mode & $0.0 != 0 ? $0.1 : "-" })
    }
}
