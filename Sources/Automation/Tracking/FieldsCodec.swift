import Foundation

/// How an item's fields are stored: `key US value RS key US value` (ASCII unit and record
/// separators), keys sorted. Decoding is a byte split, many times faster than JSON for the
/// 100,000-row snapshots a scan reads back. Text holding a separator, ESC or NUL is stored as
/// JSON instead, recognisable by its leading `{`: JSON escapes NUL, which SQLite's text reads
/// would cut the value at and PostgreSQL's text cannot hold.
public enum FieldsCodec {
    private static let unit: UInt8 = 0x1F
    private static let record: UInt8 = 0x1E

    public static func encode(_ fields: [String: String]) throws -> String {
        guard !fields.isEmpty else { return try json(fields) }
        // One pass over the bytes: append, and fall back to JSON at the first special byte.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        for (index, field) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { bytes.append(record) }
            if field.key.utf8.first == UInt8(ascii: "{") { return try json(fields) }
            for byte in field.key.utf8 {
                if special(byte) { return try json(fields) }
                bytes.append(byte)
            }
            bytes.append(unit)
            for byte in field.value.utf8 {
                if special(byte) { return try json(fields) }
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func special(_ byte: UInt8) -> Bool {
        byte == unit || byte == record || byte == 0x1B || byte == 0
    }

    public static func decode(_ text: String) throws -> [String: String] {
        if text.hasPrefix("{") { return try JSONDecoder().decode([String: String].self, from: Data(text.utf8)) }
        var contiguous = text
        contiguous.makeContiguousUTF8()
        let decoded = contiguous.utf8.withContiguousStorageIfAvailable { bytes in
            var fields: [String: String] = [:]
            for entry in bytes.split(separator: record, omittingEmptySubsequences: false) {
                guard let separator = entry.firstIndex(of: unit) else { continue }
                fields[String(decoding: entry[..<separator], as: UTF8.self)] = String(
                    decoding: entry[(separator + 1)...], as: UTF8.self)
            }
            return fields
        }
        return decoded ?? [:]
    }

    /// JSON with sorted keys, so equal fields are equal text in either store.
    private static func json(_ fields: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(fields), as: UTF8.self)
    }
}
