import Foundation

/// The packed form of a machine's file index: per entry, the path (UInt32 length + UTF-8),
/// eight little-endian Int64 stat fields and the 32-byte SHA-256.
public enum FileIndexCodec {
    public static func encode(_ index: [String: FileIndexEntry]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(index.count * 160)
        func append(_ value: Int64) {
            withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
        }
        for (path, entry) in index {
            let utf8 = Array(path.utf8)
            withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes += $0 }
            bytes += utf8
            for value in [
                entry.device, entry.inode, entry.size, entry.mtimeNs, entry.ctimeNs, entry.mode, entry.uid, entry.gid,
            ] {
                append(value)
            }
            bytes += hexToBytes(entry.sha256)
        }
        return Data(bytes)
    }

    public static func decode(_ data: Data) throws -> [String: FileIndexEntry] {
        var index: [String: FileIndexEntry] = [:]
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            var offset = 0
            func take(_ count: Int) throws -> UnsafeRawBufferPointer {
                guard offset + count <= raw.count else {
                    throw StoreError.invalid("the stored file index is truncated")
                }
                defer { offset += count }
                return UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + count)])
            }
            func int64() throws -> Int64 { Int64(littleEndian: try take(8).loadUnaligned(as: Int64.self)) }
            while offset < raw.count {
                let length = Int(UInt32(littleEndian: try take(4).loadUnaligned(as: UInt32.self)))
                let path = String(decoding: try take(length), as: UTF8.self)
                let device = try int64()
                let inode = try int64()
                let size = try int64()
                let mtime = try int64()
                let ctime = try int64()
                let mode = try int64()
                let uid = try int64()
                let gid = try int64()
                let sha = bytesToHex(try take(32))
                index[path] = FileIndexEntry(
                    device: device, inode: inode, size: size, mtimeNs: mtime, ctimeNs: ctime, mode: mode, uid: uid,
                    gid: gid, sha256: sha)
            }
        }
        return index
    }

    private static let digits = Array("0123456789abcdef".utf8)

    static func bytesToHex(_ bytes: UnsafeRawBufferPointer) -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in bytes {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

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
        // Always 32 bytes, so entries stay fixed-size after the path.
        return Array((bytes + [UInt8](repeating: 0, count: 32)).prefix(32))
    }
}
