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
        func special(_ byte: UInt8) -> Bool { byte == unit || byte == record || byte == 0x1B || byte == 0 }
        let needsJSON = fields.contains { key, value in
            key.utf8.contains(where: special) || key.hasPrefix("{") || value.utf8.contains(where: special)
        }
        if needsJSON || fields.isEmpty { return try json(fields) }
        var bytes: [UInt8] = []
        for (index, key) in fields.keys.sorted().enumerated() {
            if index > 0 { bytes.append(record) }
            bytes += key.utf8
            bytes.append(unit)
            bytes += (fields[key] ?? "").utf8
        }
        return String(decoding: bytes, as: UTF8.self)
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
