import Automation
import CFileSystem
import Foundation

/// A file found for a tracked item, with its stat; not yet hashed.
struct FileObservation: Sendable {
    var key: String
    var hostPath: String
    var stat: StatInfo
    /// For `links: manage`: the link's own target, and nothing is hashed.
    var linkTarget: String?
    /// The item asks for the content to be kept with the inventory.
    var uploadContent = false
}

/// The fields of `lstat`/`fstat` that decide whether a file changed.
struct StatInfo: Sendable, Hashable {
    var device: Int64
    var inode: Int64
    var size: Int64
    var mtimeNs: Int64
    var ctimeNs: Int64
    var mode: UInt32
    var uid: Int64
    var gid: Int64

    init(_ info: stat) {
        device = Int64(info.st_dev)
        inode = Int64(info.st_ino)
        size = Int64(info.st_size)
        mtimeNs = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        ctimeNs = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
        mode = info.st_mode
        uid = Int64(info.st_uid)
        gid = Int64(info.st_gid)
    }

    var kind: UInt32 { mode & S_IFMT }
}

/// Walks the files a tracked item selects, below a machine's root, without ever leaving it:
/// symlinks per the item's `links`, no FIFOs/sockets/devices opened, network and pseudo file
/// systems skipped. Every skip is reported.
struct FileWalker {
    let root: String
    let windows: Bool
    /// In walk order; two items may select the same file (FileCollection removes repeats).
    private(set) var observations: [FileObservation] = []
    private(set) var warnings: [String] = []
    private var ignoredLinks: [String] = []
    /// Set when the scan is stopped or interrupted: the walk ends; what it found is never committed.
    let cancelled: OnceFlag

    init(root: String, windows: Bool, cancelled: OnceFlag = OnceFlag()) {
        self.root = root
        self.windows = windows
        self.cancelled = cancelled
    }

    /// Collects what `item` selects; `path` is the item's path already expanded (no `%VAR%`).
    mutating func collect(_ item: TrackedFile, path: String) {
        let separator: Character = windows ? "\\" : "/"
        var segments = path.split(separator: separator, omittingEmptySubsequences: true).map(String.init)
        if windows, let drive = segments.first, drive.hasSuffix(":") { segments[0] = String(drive.dropLast()) }
        guard let last = segments.last else { return }
        ignoredLinks = []
        if last.contains("*") || last.contains("?") || last.contains("[") {
            let parentPath = MachinePath(segments: Array(segments.dropLast()))
            guard let parent = resolveCase(parentPath) else { return }
            let entries = listFolder(parent)
            for name in entries.filter({ matches(pattern: last, name: $0) }) {
                visit(parent.appending(name), item: item, depth: 0, parentDevice: nil)
            }
        } else if let target = resolveCase(MachinePath(segments: segments)) {
            visit(target, item: item, depth: 0, parentDevice: nil)
        }
        if !ignoredLinks.isEmpty {
            let shown = ignoredLinks.prefix(3).joined(separator: ", ")
            warnings.append(
                "item '\(item.name)': \(ignoredLinks.count) symbolic link(s) not followed (links: ignore): \(shown)"
                    + (ignoredLinks.count > 3 ? ", ..." : ""))
        }
    }

    private mutating func visit(_ path: MachinePath, item: TrackedFile, depth: Int, parentDevice: Int64?) {
        guard !cancelled.isSet else { return }
        let host = path.host(root: root)
        let display = path.display(windows: windows)
        var info = stat()
        guard lstat(host, &info) == 0 else {
            if errno != ENOENT { warnings.append("\(display): cannot read: \(String(cString: strerror(errno)))") }
            return
        }
        var observed = StatInfo(info)
        var current = path
        if observed.kind == S_IFLNK {
            switch item.links {
            case .ignore:
                ignoredLinks.append(display)
                return
            case .manage:
                let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: host)) ?? ""
                observations.append(FileObservation(key: display, hostPath: host, stat: observed, linkTarget: target))
                return
            case .follow:
                guard let resolved = followLinks(from: path, display: display) else { return }
                current = resolved.path
                observed = resolved.stat
            }
        }
        switch observed.kind {
        case S_IFREG:
            observations.append(
                FileObservation(
                    key: display, hostPath: current.host(root: root), stat: observed, linkTarget: nil,
                    uploadContent: item.uploadContent))
        case S_IFDIR:
            guard depth == 0 || item.recurse else { return }
            if let parentDevice, parentDevice != observed.device,
                let skip = FileSystemKind.skipReason(current.host(root: root))
            {
                warnings.append("\(display): skipped, \(skip)")
                return
            }
            if depth == 0, let skip = FileSystemKind.skipReason(current.host(root: root)) {
                warnings.append("\(display): skipped, \(skip)")
                return
            }
            guard depth < 64 else {
                warnings.append("\(display): deeper than 64 folders; not descended")
                return
            }
            let entries = listFolder(current)
            for name in entries {
                visit(path.appending(name), item: item, depth: depth + 1, parentDevice: observed.device)
            }
        case S_IFIFO:
            warnings.append("\(display): a FIFO; never opened")
        case S_IFSOCK:
            warnings.append("\(display): a socket; never opened")
        case S_IFCHR, S_IFBLK:
            warnings.append("\(display): a device; never opened")
        default:
            warnings.append("\(display): not a regular file; skipped")
        }
    }

    /// Follows a chain of links inside the root; reports a loop or an escape and returns nil.
    private mutating func followLinks(from start: MachinePath, display: String) -> (path: MachinePath, stat: StatInfo)?
    {
        var path = start
        for _ in 0..<40 {
            let host = path.host(root: root)
            var info = stat()
            guard lstat(host, &info) == 0 else {
                warnings.append("\(display): symbolic link is dangling; not followed")
                return nil
            }
            guard (info.st_mode & S_IFMT) == S_IFLNK else { return (path, StatInfo(info)) }
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: host),
                let next = path.resolvingLink(target)
            else {
                warnings.append("\(display): symbolic link points outside the machine's root; not followed")
                return nil
            }
            path = next
        }
        warnings.append("\(display): symbolic link loop (more than 40 links); not followed")
        return nil
    }

    /// Windows paths match case-insensitively, on a case-sensitive host folder.
    private mutating func resolveCase(_ path: MachinePath) -> MachinePath? {
        guard windows else { return path }
        var resolved = MachinePath(segments: [])
        for segment in path.segments {
            let exact = resolved.appending(segment)
            if FileManager.default.fileExists(atPath: exact.host(root: root)) {
                resolved = exact
                continue
            }
            guard let match = listFolder(resolved).first(where: { $0.lowercased() == segment.lowercased() }) else {
                return nil
            }
            resolved = resolved.appending(match)
        }
        return resolved
    }

    /// Entry names, sorted. A name that is not valid UTF-8 cannot be named in a record (nor
    /// opened again through a String), so it is reported and left out.
    private mutating func listFolder(_ path: MachinePath) -> [String] {
        guard let folder = opendir(path.host(root: root)) else {
            if errno != ENOENT && errno != ENOTDIR {
                warnings.append("\(path.display(windows: windows)): cannot list: \(String(cString: strerror(errno)))")
            }
            return []
        }
        defer { closedir(folder) }
        var names: [String] = []
        while let entry = readdir(folder) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix(while: { $0 != 0 })) }
            guard let name = String(validating: bytes, as: UTF8.self) else {
                let shown = String(decoding: bytes, as: UTF8.self)
                warnings.append(
                    "\(path.appending(shown).display(windows: windows)): file name is not valid UTF-8; skipped")
                continue
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private func matches(pattern: String, name: String) -> Bool {
        // FNM_CASEFOLD (1 << 4) is a GNU extension Swift does not import.
        fnmatch(pattern, name, windows ? 1 << 4 : 0) == 0
    }
}

/// File systems that are not scanned: network shares and kernel pseudo file systems.
enum FileSystemKind {
    static let skipped: [Int: String] = [
        0x6969: "NFS", 0xFF53_4D42: "CIFS", 0xFE53_4D42: "SMB2", 0x517B: "SMB", 0x9FA0: "proc",
        0x6265_6572: "sysfs", 0x1CD1: "devpts", 0x2762_3CE2: "cgroup2", 0x2762_3CE1: "cgroup",
        0x6462_6720: "debugfs", 0x7363_6673: "securityfs", 0x6E73_6673: "nsfs", 0x6573_7546: "FUSE",
    ]

    static func skipReason(_ hostPath: String) -> String? {
        let type = runbook_fs_type(hostPath)
        guard type != -1, let name = skipped[type] else { return nil }
        return "\(name) file system (network and pseudo file systems are not scanned)"
    }
}
