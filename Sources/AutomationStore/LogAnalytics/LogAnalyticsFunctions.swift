import Automation
import Foundation
import GRDB
import GRDBSQLite

/// SQL functions the workspace's column mappings call, added to the connection a query runs on.
enum LogAnalyticsFunctions {
    /// Adds `rb_field(fields, key)`: one field of an item's FieldsCodec text, or '' when it has
    /// none. A query reads a few columns of a million rows through it, so it is a C function
    /// over SQLite's own bytes: no Swift string is made for the row's text.
    static func register(on db: Database) {
        guard let connection = db.sqliteConnection else { return }
        sqlite3_create_function_v2(
            connection, "rb_field", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, count, values in
                guard count == 2, let values, let textValue = values[0], let keyValue = values[1] else {
                    sqlite3_result_text(context, "", 0, nil)
                    return
                }
                let textLength = Int(sqlite3_value_bytes(textValue))
                let keyLength = Int(sqlite3_value_bytes(keyValue))
                guard let text = sqlite3_value_text(textValue), let key = sqlite3_value_text(keyValue) else {
                    sqlite3_result_text(context, "", 0, nil)
                    return
                }
                let bytes = UnsafeBufferPointer(start: text, count: textLength)
                let wanted = UnsafeBufferPointer(start: key, count: keyLength)
                if textLength > 0, text[0] == UInt8(ascii: "{") {
                    // JSON form (a value holds a separator): decoded the slow way, rarely.
                    let value =
                        FieldsCodec.value(
                            of: String(decoding: wanted, as: UTF8.self), in: String(decoding: bytes, as: UTF8.self))
                        ?? ""
                    sqlite3_result_text(context, value, -1, sqliteTransient)
                    return
                }
                guard let range = FieldsCodec.valueRange(of: wanted, in: bytes) else {
                    sqlite3_result_text(context, "", 0, nil)
                    return
                }
                text.advanced(by: range.lowerBound).withMemoryRebound(to: CChar.self, capacity: range.count) {
                    sqlite3_result_text(context, $0, Int32(range.count), sqliteTransient)
                }
            }, nil, nil, nil)
    }
}

/// SQLite's "copy this text now" destructor, which the C header spells as a cast of -1.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension FieldsCodec {
    /// One field without decoding the rest: a scan of the separators for `key`, as a query reads
    /// a column or two of a million rows.
    static func value(of key: String, in text: String) -> String? {
        if text.hasPrefix("{") { return (try? decode(text))?[key] }
        var text = text
        var key = key
        return text.withUTF8 { bytes in
            key.withUTF8 { wanted in
                valueRange(of: wanted, in: bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
            }
        }
    }

    /// Where `key`'s value lies in `key US value RS key US value` bytes.
    static func valueRange(of key: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        guard let base = bytes.baseAddress, let keyBase = key.baseAddress, !key.isEmpty else { return nil }
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x1E { end += 1 }
            let keyEnd = start + key.count
            if keyEnd < end, bytes[keyEnd] == 0x1F, memcmp(base + start, keyBase, key.count) == 0 {
                return (keyEnd + 1)..<end
            }
            start = end + 1
        }
        return nil
    }
}
