import Foundation

/// The stored form of a machine's file index, one value per machine read and written whole (as
/// git keeps one index file). The current form is the index's own arrays after a header:
///
///     magic "\xFF\xFF\xFF\xFFRBI2", count (UInt32), path bytes (UInt32),
///     count path ends (UInt32), count x 8 stat fields (Int64), count x 32 digest bytes, the paths
///
/// all little-endian, paths sorted. The first form (per entry: UInt32 path length, the path,
/// eight Int64 stat fields, the digest; in no order) is still read: its first four bytes are a
/// path's length, never 0xFFFFFFFF.
public enum FileIndexCodec {
    static let magic: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x52, 0x42, 0x49, 0x32]

    public static func encode(_ index: FileIndex) -> Data {
        index.encoded()
    }

    public static func decode(_ data: Data) throws -> FileIndex {
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            if raw.count >= magic.count, raw.prefix(magic.count).elementsEqual(magic) {
                return try FileIndex(packed: raw)
            }
            return try decodeFirstForm(raw)
        }
    }

    private static func decodeFirstForm(_ raw: UnsafeRawBufferPointer) throws -> FileIndex {
        var builder = FileIndex.Builder()
        var reader = ByteReader(raw)
        while !reader.atEnd {
            let length = Int(try reader.uint32())
            let path = String(decoding: try reader.take(length), as: UTF8.self)
            var fields: [Int64] = []
            for _ in 0..<FileStat.fieldCount { fields.append(try reader.int64()) }
            let stat = fields.withUnsafeBufferPointer { FileStat(fields: $0, at: 0) }
            builder.append(path: path, stat: stat, digest: try reader.take(32))
        }
        return builder.index()
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func bytesToHex(_ bytes: UnsafeRawBufferPointer) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { text in
            for (offset, byte) in bytes.enumerated() {
                text[offset * 2] = digits[Int(byte >> 4)]
                text[offset * 2 + 1] = digits[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }

    /// 32 bytes from 64 hex digits; anything else (a missing checksum) is zeros, so entries stay
    /// fixed-size.
    static func hexToBytes(_ hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        var high: UInt8?
        for character in hex.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            default: continue
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return Array((bytes + [UInt8](repeating: 0, count: 32)).prefix(32))
    }
}

/// Reads little-endian values from a stored blob, refusing to read past its end.
struct ByteReader {
    let raw: UnsafeRawBufferPointer
    var offset = 0

    init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

    var atEnd: Bool { offset >= raw.count }

    mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= raw.count - offset else {
            throw StoreError.invalid("the stored file index is truncated")
        }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)])
    }

    mutating func uint32() throws -> UInt32 { UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self)) }
    mutating func int64() throws -> Int64 { Int64(littleEndian: try take(8).loadUnaligned(as: Int64.self)) }
}
