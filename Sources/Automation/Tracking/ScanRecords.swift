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

/// An agent's upload in its numbered sequence: its scan commits only while the machine's agent
/// has `previous` as its last stored upload (and the credential is still its own, not revoked),
/// and records `next` in the same transaction;
/// otherwise nothing is written (`.stale`). Two copies of one upload (a resend racing its
/// original) can then never both be stored.
public struct AgentSequenceStep: Sendable, Hashable {
    /// The credential that sent the upload: one replaced by a re-enrolment, or revoked, since
    /// it was checked stores nothing.
    public var credentialId: String
    public var previous: Int64
    /// Always past `previous`: the sequence never goes back.
    public var next: Int64

    public init(credentialId: String, previous: Int64, next: Int64) {
        self.credentialId = credentialId
        self.previous = previous
        self.next = next
    }
}

/// What `commitScan` did.
public enum ScanCommit: Sendable, Hashable {
    case committed
    /// Another scan of the machine committed after the changes were computed, or another
    /// upload of its agent was stored (`ScanRecord.agentSequence`): nothing written.
    case stale
    /// The scan was stopped before its transaction committed: nothing written.
    case stopped
}
