import GRDB

/// SQL functions the workspace's column mappings call, added to the connection a query runs on.
enum LogAnalyticsFunctions {
    /// `rb_field(fields, key)`: one field of an item's FieldsCodec text, or '' when it has none.
    static let field = DatabaseFunction("rb_field", argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]), let key = String.fromDatabaseValue(values[1]) else {
            return ""
        }
        return FieldsCodec.value(of: key, in: text) ?? ""
    }
}

extension FieldsCodec {
    /// One field without decoding the rest: a scan of the separators for `key`, as a query reads
    /// a column or two of a million rows.
    static func value(of key: String, in text: String) -> String? {
        if text.hasPrefix("{") { return (try? decode(text))?[key] }
        var text = text
        text.makeContiguousUTF8()
        var key = key
        key.makeContiguousUTF8()
        return text.utf8.withContiguousStorageIfAvailable { bytes -> String? in
            key.utf8.withContiguousStorageIfAvailable { wanted -> String? in
                var start = 0
                while start <= bytes.count {
                    let end = bytes[start...].firstIndex(of: 0x1E) ?? bytes.count
                    let keyEnd = start + wanted.count
                    if keyEnd < end, bytes[keyEnd] == 0x1F, bytes[start..<keyEnd].elementsEqual(wanted) {
                        return String(decoding: bytes[(keyEnd + 1)..<end], as: UTF8.self)
                    }
                    start = end + 1
                }
                return nil
            } ?? nil
        } ?? nil
    }
}
