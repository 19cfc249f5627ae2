import Foundation

/// A machine's file index: for each file hashed, its stat and SHA-256 as they were then, sorted
/// by path (UTF-8 byte order). A rescan looks every walked file up here and reuses the checksum
/// of a file whose stat has not changed, so it is kept flat (one byte buffer of paths, one of
/// stat integers, one of digests) rather than as a dictionary of strings: decoding it is a few
/// copies and a check, and a lookup allocates nothing.
public struct FileIndex: Sendable, Equatable {
    /// Every path's UTF-8 bytes, one after another, in sorted order.
    var paths: [UInt8] = []
    /// Where each path ends in `paths` (the next one starts there).
    var ends: [UInt32] = []
    /// `FileStat.fieldCount` integers per file.
    var stats: [Int64] = []
    /// 32 bytes per file.
    var digests: [UInt8] = []

    public init() {}

    public var count: Int { ends.count }
    public var isEmpty: Bool { ends.isEmpty }

    /// The position of `path`, or nil. `hint` is where the last lookup ended: a walk asks in
    /// nearly sorted order, so the entry after it is tried before a binary search.
    public func position(of path: String, hint: inout Int) -> Int? {
        var path = path
        return path.withUTF8 { wanted in
            if hint < count, compare(at: hint, wanted) == 0 { return hintFound(&hint) }
            var low = 0
            var high = count
            while low < high {
                let middle = (low + high) / 2
                let order = compare(at: middle, wanted)
                if order == 0 {
                    hint = middle
                    return hintFound(&hint)
                }
                if order < 0 { low = middle + 1 } else { high = middle }
            }
            hint = low
            return nil
        }
    }

    public func position(of path: String) -> Int? {
        var hint = 0
        return position(of: path, hint: &hint)
    }

    private func hintFound(_ hint: inout Int) -> Int {
        defer { hint += 1 }
        return hint
    }

    public func path(at position: Int) -> String {
        String(decoding: pathBytes(at: position), as: UTF8.self)
    }

    public func stat(at position: Int) -> FileStat {
        stats.withUnsafeBufferPointer { FileStat(fields: $0, at: position * FileStat.fieldCount) }
    }

    /// The 32 bytes of the SHA-256.
    public func digest(at position: Int) -> ArraySlice<UInt8> {
        digests[(position * 32)..<(position * 32 + 32)]
    }

    public func sha256Hex(at position: Int) -> String {
        digests.withUnsafeBytes {
            FileIndexCodec.bytesToHex(UnsafeRawBufferPointer(rebasing: $0[(position * 32)..<(position * 32 + 32)]))
        }
    }

    public func entry(at position: Int) -> FileIndexEntry {
        FileIndexEntry(stat(at: position), sha256: sha256Hex(at: position))
    }

    public subscript(path: String) -> FileIndexEntry? {
        position(of: path).map(entry(at:))
    }

    /// Every entry, in path order.
    public var entries: [(path: String, entry: FileIndexEntry)] {
        (0..<count).map { (path(at: $0), entry(at: $0)) }
    }

    func pathBytes(at position: Int) -> ArraySlice<UInt8> {
        paths[pathRange(position)]
    }

    /// memcmp order of the stored path at `position` against `wanted`.
    private func compare(at position: Int, _ wanted: UnsafeBufferPointer<UInt8>) -> Int {
        let start = position == 0 ? 0 : Int(ends[position - 1])
        let end = Int(ends[position])
        return paths.withUnsafeBufferPointer { stored in
            Self.compare(UnsafeBufferPointer(rebasing: stored[start..<end]), wanted)
        }
    }

    static func compare(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Int {
        let common = min(left.count, right.count)
        if common > 0, let a = left.baseAddress, let b = right.baseAddress {
            let order = memcmp(a, b, common)
            if order != 0 { return Int(order) }
        }
        return left.count - right.count
    }
}

/// A file's identity and stat, as integers compared without conversion.
public struct FileStat: Sendable, Hashable {
    public var device: Int64
    public var inode: Int64
    public var size: Int64
    public var mtimeNs: Int64
    public var ctimeNs: Int64
    public var mode: Int64
    public var uid: Int64
    public var gid: Int64

    static let fieldCount = 8

    public init(
        device: Int64, inode: Int64, size: Int64, mtimeNs: Int64, ctimeNs: Int64, mode: Int64, uid: Int64, gid: Int64
    ) {
        (self.device, self.inode, self.size, self.mtimeNs, self.ctimeNs) = (device, inode, size, mtimeNs, ctimeNs)
        (self.mode, self.uid, self.gid) = (mode, uid, gid)
    }

    init(fields: UnsafeBufferPointer<Int64>, at offset: Int) {
        self.init(
            device: fields[offset], inode: fields[offset + 1], size: fields[offset + 2], mtimeNs: fields[offset + 3],
            ctimeNs: fields[offset + 4], mode: fields[offset + 5], uid: fields[offset + 6], gid: fields[offset + 7])
    }

    func append(to fields: inout [Int64]) {
        fields.append(contentsOf: [device, inode, size, mtimeNs, ctimeNs, mode, uid, gid])
    }
}

extension FileIndex {
    /// Collects entries in any order; `index()` sorts them by path once (nothing to do when they
    /// came sorted). A path added twice keeps its last entry, as a dictionary would.
    public struct Builder: Sendable {
        private var built = FileIndex()
        private var sorted = true

        public init(capacity: Int = 0) {
            built.ends.reserveCapacity(capacity)
            built.stats.reserveCapacity(capacity * FileStat.fieldCount)
            built.digests.reserveCapacity(capacity * 32)
            built.paths.reserveCapacity(capacity * 48)
        }

        public mutating func append(path: String, stat: FileStat, digest: some Collection<UInt8>) {
            append(pathBytes: path.utf8, stat: stat, digest: digest)
        }

        private mutating func append(
            pathBytes: some Collection<UInt8>, stat: FileStat, digest: some Collection<UInt8>
        ) {
            let start = built.paths.count
            // Path ends are 32-bit: an index past 4 GiB of paths leaves the rest out (those files
            // are hashed again next scan) rather than wrap.
            guard start + pathBytes.count <= Int(UInt32.max) else { return }
            built.paths.append(contentsOf: pathBytes)
            if sorted, let last = built.ends.indices.last {
                let previousStart = last == 0 ? 0 : Int(built.ends[last - 1])
                sorted = built.paths.withUnsafeBufferPointer {
                    FileIndex.compare(
                        UnsafeBufferPointer(rebasing: $0[previousStart..<start]),
                        UnsafeBufferPointer(rebasing: $0[start...])) < 0
                }
            }
            built.ends.append(UInt32(built.paths.count))
            stat.append(to: &built.stats)
            var bytes = Array(digest.prefix(32))
            bytes += [UInt8](repeating: 0, count: 32 - bytes.count)
            built.digests += bytes
        }

        public mutating func append(path: String, entry: FileIndexEntry) {
            append(path: path, stat: entry.stat, digest: FileIndexCodec.hexToBytes(entry.sha256))
        }

        /// Copies entry `position` of `other`, digest bytes as they are.
        public mutating func append(from other: FileIndex, at position: Int, stat: FileStat) {
            append(pathBytes: other.pathBytes(at: position), stat: stat, digest: other.digest(at: position))
        }

        public func index() -> FileIndex {
            guard !sorted else { return built }
            let old = built
            // Sort positions by path; for equal paths the later one wins.
            let order = (0..<old.count).sorted { a, b in
                let left = old.pathRange(a)
                let right = old.pathRange(b)
                let comparison = old.paths.withUnsafeBufferPointer {
                    FileIndex.compare(UnsafeBufferPointer(rebasing: $0[left]), UnsafeBufferPointer(rebasing: $0[right]))
                }
                return comparison < 0 || (comparison == 0 && a < b)
            }
            var result = FileIndex()
            result.ends.reserveCapacity(old.count)
            result.paths.reserveCapacity(old.paths.count)
            result.stats.reserveCapacity(old.stats.count)
            result.digests.reserveCapacity(old.digests.count)
            for (offset, position) in order.enumerated() {
                if offset + 1 < order.count, old.pathBytes(at: order[offset + 1]) == old.pathBytes(at: position) {
                    continue  // a later entry of the same path follows
                }
                result.paths += old.pathBytes(at: position)
                result.ends.append(UInt32(result.paths.count))
                result.stats += old.stats[(position * FileStat.fieldCount)..<((position + 1) * FileStat.fieldCount)]
                result.digests += old.digest(at: position)
            }
            return result
        }
    }
}

extension FileIndex {
    /// The packed form (see `FileIndexCodec`).
    func encoded() -> Data {
        var bytes: [UInt8] = FileIndexCodec.magic
        bytes.reserveCapacity(16 + ends.count * 4 + stats.count * 8 + digests.count + paths.count)
        func append<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
        }
        append(UInt32(count))
        append(UInt32(paths.count))
        for end in ends { append(end) }
        for field in stats { append(field) }
        bytes += digests
        bytes += paths
        return Data(bytes)
    }

    /// Reads the packed form, checking every offset and the order of the paths: a damaged
    /// value is refused, never read out of bounds or searched unsorted.
    init(packed raw: UnsafeRawBufferPointer) throws {
        var reader = ByteReader(raw)
        _ = try reader.take(FileIndexCodec.magic.count)
        let count = Int(try reader.uint32())
        let pathBytes = Int(try reader.uint32())
        let expected = FileIndexCodec.magic.count + 8 + count * (4 + 8 * FileStat.fieldCount + 32) + pathBytes
        guard raw.count == expected else { throw StoreError.invalid("the stored file index is truncated or damaged") }
        self.init()
        ends.reserveCapacity(count)
        stats.reserveCapacity(count * FileStat.fieldCount)
        var previous: UInt32 = 0
        for _ in 0..<count {
            let end = try reader.uint32()
            guard end >= previous, Int(end) <= pathBytes else {
                throw StoreError.invalid("the stored file index is damaged (a path outside it)")
            }
            ends.append(end)
            previous = end
        }
        guard ends.last.map({ Int($0) == pathBytes }) ?? (pathBytes == 0) else {
            throw StoreError.invalid("the stored file index is damaged (paths do not add up)")
        }
        for _ in 0..<(count * FileStat.fieldCount) { stats.append(try reader.int64()) }
        digests = Array(try reader.take(count * 32))
        paths = Array(try reader.take(pathBytes))
        for position in 1..<max(1, count) where compare(position - 1, position) >= 0 {
            throw StoreError.invalid("the stored file index is damaged (paths out of order)")
        }
    }

    private func compare(_ left: Int, _ right: Int) -> Int {
        paths.withUnsafeBufferPointer { all in
            Self.compare(
                UnsafeBufferPointer(rebasing: all[pathRange(left)]),
                UnsafeBufferPointer(rebasing: all[pathRange(right)]))
        }
    }

    func pathRange(_ position: Int) -> Range<Int> {
        (position == 0 ? 0 : Int(ends[position - 1]))..<Int(ends[position])
    }
}

/// `[:]` and `["/etc/hosts": entry]` build an index.
extension FileIndex: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, FileIndexEntry)...) {
        var builder = Builder(capacity: elements.count)
        for (path, entry) in elements { builder.append(path: path, entry: entry) }
        self = builder.index()
    }

    public init(_ entries: [String: FileIndexEntry]) {
        var builder = Builder(capacity: entries.count)
        for (path, entry) in entries { builder.append(path: path, entry: entry) }
        self = builder.index()
    }
}

/// As JSON (an agent's state file) the index is the object of path to entry it always was.
extension FileIndex: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(try [String: FileIndexEntry](from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        var dictionary: [String: FileIndexEntry] = [:]
        dictionary.reserveCapacity(count)
        for position in 0..<count { dictionary[path(at: position)] = entry(at: position) }
        try dictionary.encode(to: encoder)
    }
}

extension FileIndexEntry {
    public var stat: FileStat {
        FileStat(
            device: device, inode: inode, size: size, mtimeNs: mtimeNs, ctimeNs: ctimeNs, mode: mode, uid: uid, gid: gid
        )
    }

    public init(_ stat: FileStat, sha256: String) {
        self.init(
            device: stat.device, inode: stat.inode, size: stat.size, mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs,
            mode: stat.mode, uid: stat.uid, gid: stat.gid, sha256: sha256)
    }
}
