import Foundation

/// A file's identity and stat at the time it was hashed.
public struct FileIndexEntry: Sendable, Hashable, Codable {
    public var device: Int64
    public var inode: Int64
    public var size: Int64
    public var mtimeNs: Int64
    public var ctimeNs: Int64
    public var mode: Int64
    public var uid: Int64
    public var gid: Int64
    public var sha256: String

    public init(
        device: Int64, inode: Int64, size: Int64, mtimeNs: Int64, ctimeNs: Int64, mode: Int64, uid: Int64, gid: Int64,
        sha256: String
    ) {
        self.device = device
        self.inode = inode
        self.size = size
        self.mtimeNs = mtimeNs
        self.ctimeNs = ctimeNs
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.sha256 = sha256
    }

    /// Same file, same content as far as stat can tell.
    public func matchesStat(of other: FileIndexEntry) -> Bool {
        device == other.device && inode == other.inode && size == other.size && mtimeNs == other.mtimeNs
            && ctimeNs == other.ctimeNs && mode == other.mode && uid == other.uid && gid == other.gid
    }
}

/// A machine's last scan.
public struct ScanMark: Sendable, Hashable {
    public var startedAt: Date
    public var endedAt: Date
    public var scans: Int

    public init(startedAt: Date, endedAt: Date, scans: Int) {
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.scans = scans
    }
}

/// What `commitScan` did.
public enum ScanCommit: Sendable, Hashable {
    case committed
    /// Another scan of the machine committed after the changes were computed: nothing written.
    case stale
    /// The scan was stopped before its transaction committed: nothing written.
    case stopped
}
