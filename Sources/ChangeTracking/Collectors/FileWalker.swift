import Automation
import Foundation

/// A file found for a tracked item, with its stat; not yet hashed.
struct FileObservation: Sendable {
    /// The path as the item names it, shown the machine's way.
    var key: String
    /// The folder holding the file in the walk's `folders` (kept open for the hashers), or -1:
    /// the hasher opens the folder again from the root.
    var folder: Int32 = -1
    /// Where the file's folder is below the machine's root, every link resolved (shared by the
    /// folder's files), and the file's name in it: the hasher opens that name in that folder,
    /// refusing any link found there now (one swapped in after the walk).
    var parent: MachinePath
    var name: String
    var stat: StatInfo
    /// For `links: manage`: the link's own target, and nothing is hashed.
    var linkTarget: String?
    /// The item asks for the content to be kept with the inventory.
    var uploadContent = false

    init(
        key: String, folder: Int32 = -1, parent: MachinePath, name: String, stat: StatInfo, linkTarget: String?,
        uploadContent: Bool = false
    ) {
        (self.key, self.folder, self.parent, self.name, self.stat) = (key, folder, parent, name, stat)
        (self.linkTarget, self.uploadContent) = (linkTarget, uploadContent)
    }

    init(
        key: String, folder: Int32 = -1, real: MachinePath, stat: StatInfo, linkTarget: String?,
        uploadContent: Bool = false
    ) {
        self.init(
            key: key, folder: folder, parent: real.parent, name: real.segments.last ?? "", stat: stat,
            linkTarget: linkTarget, uploadContent: uploadContent)
    }

    var real: MachinePath { parent.appending(name) }
}

/// Walks the files a tracked item selects, below a machine's root, without ever leaving it:
/// every access goes through `MachineRoot`; symlinks per the item's `links` (and followed only
/// inside the root), no FIFOs/sockets/devices opened, network and pseudo file systems skipped.
/// Every skip is reported.
struct FileWalker {
    let root: MachineRoot
    let windows: Bool
    /// In walk order; two items may select the same file (FileCollection removes repeats).
    private(set) var observations: [FileObservation] = []
    /// Folders the walk listed, kept open so the hashers open each file by name in them (no
    /// walk from the root per file); at most `maxKeptFolders`, after which files are opened
    /// through their folder's path again.
    private(set) var folders: [MachineDirectory] = []
    /// A quarter of the descriptors this process may open, at most 4,096.
    static let maxKeptFolders: Int = {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 64 }
        return Int(min(4096, limit.rlim_cur / 4))
    }()
    private(set) var warnings: [String] = []
    private var ignoredLinks: [String] = []
    /// Set when the scan is stopped or interrupted: the walk ends; what it found is never committed.
    let cancelled: OnceFlag
    /// Counts each file found, for the progress a terminal shows.
    var progress: ScanProgressReporter?

    init(root: MachineRoot, windows: Bool, cancelled: OnceFlag = OnceFlag()) {
        self.root = root
        self.windows = windows
        self.cancelled = cancelled
    }

    /// Collects what `item` selects; `path` is the item's path already expanded (no `%VAR%`).
    mutating func collect(_ item: TrackedFile, path: String) {
        ignoredLinks = []
        defer { reportIgnoredLinks(item) }
        guard let segments = ItemPath.segments(path, windows: windows) else {
            warnings.append(
                "item '\(item.name)': path '\(path)' has a '..' segment; a tracked path never leaves the machine, "
                    + "nothing selected")
            return
        }
        guard let last = segments.last else {
            guard !windows else {
                warnings.append("item '\(item.name)': path '\(path)' names no drive (such as C:\\); nothing selected")
                return
            }
            // `/`: the machine's whole root (with `recurse`, every file of it).
            visit(MachinePath(segments: []), real: MachinePath(segments: []), item: item, depth: 0, parentDevice: nil)
            return
        }
        let display = MachinePath(segments: Array(segments.dropLast()))
        guard let parent = resolveParent(display, item: item, shown: MachinePath(segments: segments)) else { return }
        // Windows names show as the folder spells them; Linux ones as the item does (a followed link stays in the key).
        let shownParent = windows ? parent : display
        if ItemPath.isPattern(last) {
            for name in names(in: parent, shown: shownParent) where matches(pattern: last, name: name) {
                visit(
                    shownParent.appending(name), real: parent.appending(name), item: item, depth: 0, parentDevice: nil)
            }
            return
        }
        var name = last
        if windows, case .failure(.missing) = root.lstat(parent.appending(last)) {
            guard let match = root.caseMatch(last, in: parent) else { return }
            name = match
        }
        visit(shownParent.appending(name), real: parent.appending(name), item: item, depth: 0, parentDevice: nil)
    }

    /// The link-free folder an item's parent segments name; nil (reported) when it is missing,
    /// or runs through a link the item does not follow, or out of the root.
    private mutating func resolveParent(_ parent: MachinePath, item: TrackedFile, shown: MachinePath) -> MachinePath? {
        switch root.resolve(parent.segments, followLinks: item.links == .follow, caseInsensitive: windows) {
        case .success(let real):
            return real
        case .failure(.missing):
            return nil
        case .failure(.throughLink(let link)):
            warnings.append(
                "\(shown.display(windows: windows)): runs through the symbolic link \(link.display(windows: windows)); "
                    + "not followed (links: \(item.links.rawValue))")
            return nil
        case .failure(let problem):
            warnings.append("\(shown.display(windows: windows)): \(problem)")
            return nil
        }
    }

    /// `display`: the path as keys show it; `real`: the same entry with every link resolved.
    private mutating func visit(
        _ display: MachinePath, real: MachinePath, item: TrackedFile, depth: Int, parentDevice: Int64?,
        info given: stat? = nil, folder: Int32 = -1
    ) {
        guard !cancelled.isSet else { return }
        let shown = display.display(windows: windows)
        var info: stat
        if let given {
            info = given
        } else {
            switch root.lstat(real) {
            case .success(let found): info = found
            case .failure(.missing): return
            case .failure(let problem):
                warnings.append("\(shown): cannot read: \(problem)")
                return
            }
        }
        var current = real
        if info.st_mode & S_IFMT == S_IFLNK {
            switch item.links {
            case .ignore:
                ignoredLinks.append(shown)
                return
            case .manage:
                let target = (try? root.readLink(real).get()) ?? ""
                observations.append(
                    FileObservation(key: shown, real: real, stat: statInfo(info, shown), linkTarget: target))
                progress?.walkedFile()
                return
            case .follow:
                guard let resolved = follow(real, shown: shown) else { return }
                (current, info) = resolved
            }
        }
        let observed = statInfo(info, shown)
        switch observed.kind {
        case S_IFREG:
            observations.append(
                FileObservation(
                    key: shown, folder: current == real ? folder : -1, real: current, stat: observed, linkTarget: nil,
                    uploadContent: item.uploadContent))
            progress?.walkedFile()
        case S_IFDIR:
            guard depth == 0 || item.recurse else { return }
            descend(display, real: current, observed: observed, item: item, depth: depth, parentDevice: parentDevice)
        case S_IFIFO, S_IFSOCK, S_IFCHR, S_IFBLK:
            warnings.append("\(shown): \(FileProblem.kind(observed.mode)); never opened")
        default:
            warnings.append("\(shown): not a regular file; skipped")
        }
    }

    /// Lists a folder through its own descriptor and visits each entry with the stat taken there.
    private mutating func descend(
        _ display: MachinePath, real: MachinePath, observed: StatInfo, item: TrackedFile, depth: Int,
        parentDevice: Int64?
    ) {
        let shown = display.display(windows: windows)
        let folder: MachineDirectory
        switch root.directory(real) {
        case .success(let opened): folder = opened
        case .failure(.missing): return
        case .failure(let problem):
            warnings.append("\(shown): cannot list: \(problem)")
            return
        }
        if depth == 0 || parentDevice != observed.device, let skip = FileSystemKind.skipReason(folder) {
            warnings.append("\(shown): skipped, \(skip)")
            return
        }
        guard depth < 64 else {
            warnings.append("\(shown): deeper than 64 folders; not descended")
            return
        }
        var kept: Int32 = -1
        if folders.count < Self.maxKeptFolders {
            kept = Int32(folders.count)
            folders.append(folder)
        }
        for name in names(of: folder.list(), shown: display) {
            guard !cancelled.isSet else { return }
            switch folder.lstat(name) {
            case .success(let info) where info.st_mode & S_IFMT == S_IFREG:
                // Most entries: a file, recorded here with its key built from the folder's and
                // its folder's path shared, not rebuilt per file.
                let key = childKey(shown, display, name)
                observations.append(
                    FileObservation(
                        key: key, folder: kept, parent: real, name: name, stat: statInfo(info, key), linkTarget: nil,
                        uploadContent: item.uploadContent))
                progress?.walkedFile()
            case .success(let info):
                visit(
                    display.appending(name), real: real.appending(name), item: item, depth: depth + 1,
                    parentDevice: observed.device, info: info, folder: kept)
            case .failure(.missing): continue
            case .failure(let problem):
                warnings.append("\(display.appending(name).display(windows: windows)): cannot read: \(problem)")
            }
        }
    }

    /// How `display.appending(name)` shows, from how `display` shows.
    private func childKey(_ shown: String, _ display: MachinePath, _ name: String) -> String {
        guard windows else { return display.segments.isEmpty ? "/" + name : shown + "/" + name }
        switch display.segments.count {
        case 0: return display.appending(name).display(windows: true)
        case 1: return shown + name
        default: return shown + "\\" + name
        }
    }

    /// Where a link leads inside the root, with the stat found there; nil (reported) for a
    /// dangling link, a loop or an escape.
    private mutating func follow(_ link: MachinePath, shown: String) -> (MachinePath, stat)? {
        let problem: FileProblem
        switch root.resolve(link.segments, followLinks: true, caseInsensitive: windows) {
        case .success(let target):
            switch root.lstat(target) {
            case .success(let info): return (target, info)
            case .failure(let failure): problem = failure
            }
        case .failure(let failure): problem = failure
        }
        switch problem {
        case .missing, .dangling: warnings.append("\(shown): symbolic link is dangling; not followed")
        default: warnings.append("\(shown): \(problem)")
        }
        return nil
    }

    /// StatInfo, reporting a clamped time stamp.
    private mutating func statInfo(_ info: stat, _ shown: String) -> StatInfo {
        let observed = StatInfo(info)
        if observed.timeClamped {
            warnings.append(
                "\(shown): a time stamp before 1677 or after 2262 was clamped to \(FileCollection.isoTime(nanoseconds: observed.mtimeNs))"
            )
        }
        return observed
    }

    private mutating func names(in folder: MachinePath, shown: MachinePath) -> [String] {
        let listed = root.list(folder)
        if case .failure(let problem) = listed, problem != .missing, problem != .system(ENOTDIR) {
            warnings.append("\(shown.display(windows: windows)): cannot list: \(problem)")
        }
        return names(of: listed, shown: shown)
    }

    /// Entry names, sorted. A name that is not valid UTF-8 cannot be named in a record, so it
    /// is reported and left out.
    private mutating func names(of listed: Result<[[UInt8]], FileProblem>, shown: MachinePath) -> [String] {
        guard case .success(let entries) = listed else { return [] }
        var names: [String] = []
        for bytes in entries {
            guard let name = String(validating: bytes, as: UTF8.self) else {
                let text = String(decoding: bytes, as: UTF8.self)
                warnings.append(
                    "\(shown.appending(text).display(windows: windows)): file name is not valid UTF-8; skipped")
                continue
            }
            names.append(name)
        }
        return names.sorted()
    }

    private mutating func reportIgnoredLinks(_ item: TrackedFile) {
        guard !ignoredLinks.isEmpty else { return }
        let shown = ignoredLinks.prefix(3).joined(separator: ", ")
        warnings.append(
            "item '\(item.name)': \(ignoredLinks.count) symbolic link(s) not followed (links: ignore): \(shown)"
                + (ignoredLinks.count > 3 ? ", ..." : ""))
    }

    private func matches(pattern: String, name: String) -> Bool {
        // FNM_CASEFOLD (1 << 4) is a GNU extension Swift does not import.
        fnmatch(pattern, name, windows ? 1 << 4 : 0) == 0
    }
}
