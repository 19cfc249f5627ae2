import Foundation

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
    /// A time stamp lay outside what nanoseconds in an Int64 hold (before 1677 or after 2262)
    /// and was clamped to the nearest end: anyone can `touch -d 2300-01-01` a file.
    var timeClamped = false

    init(_ info: stat) {
        device = Int64(truncatingIfNeeded: info.st_dev)
        inode = Int64(truncatingIfNeeded: info.st_ino)
        size = Int64(info.st_size)
        let modified = Self.nanoseconds(info.st_mtim)
        let changed = Self.nanoseconds(info.st_ctim)
        mtimeNs = modified.value
        ctimeNs = changed.value
        timeClamped = modified.clamped || changed.clamped
        mode = info.st_mode
        uid = Int64(info.st_uid)
        gid = Int64(info.st_gid)
    }

    var kind: UInt32 { mode & S_IFMT }

    /// Nanoseconds since 1970, clamped to Int64's range.
    static func nanoseconds(_ time: timespec) -> (value: Int64, clamped: Bool) {
        let seconds = Int64(time.tv_sec)
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return (seconds < 0 ? Int64.min : Int64.max, true) }
        let (total, carried) = scaled.addingReportingOverflow(Int64(time.tv_nsec))
        guard !carried else { return (time.tv_nsec < 0 ? Int64.min : Int64.max, true) }
        return (total, false)
    }
}
