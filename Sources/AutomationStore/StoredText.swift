import Foundation
import GRDB

/// Text that may hold NUL characters (a runbook's log message, an error built from one).
/// GRDB binds a `String` as a C string and reads TEXT back the same way, so everything after
/// the first NUL would be lost. Such text is stored as its UTF-8 bytes (a BLOB); `StoredRow`
/// reads either form back whole. Text without NUL stays TEXT, as before.
enum StoredText {
    static func value(_ text: String) -> DatabaseValue {
        text.utf8.contains(0) ? Data(text.utf8).databaseValue : text.databaseValue
    }

    static func value(_ text: String?) -> DatabaseValue {
        text.map(value) ?? .null
    }
}
