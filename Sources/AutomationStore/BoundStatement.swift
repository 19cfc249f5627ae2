import Foundation
import GRDB
import GRDBSQLite

/// A prepared statement run many times in one transaction with its values bound by position
/// straight through SQLite's C interface: no argument array, no value boxing and no date
/// formatting per row. A scan's commit writes 100,000 rows this way.
struct BoundStatement {
    private let statement: Statement
    private let db: Database
    private var raw: SQLiteStatement { statement.sqliteStatement }

    init(_ db: Database, sql: String) throws {
        self.db = db
        self.statement = try db.makeStatement(sql: sql)
    }

    /// Binds the values, in order from parameter 1, and runs the statement to completion.
    func execute(_ values: BoundValue...) throws {
        sqlite3_reset(raw)
        for (offset, value) in values.enumerated() {
            let position = Int32(offset + 1)
            switch value {
            case .integer(let number): sqlite3_bind_int64(raw, position, number)
            case .null: sqlite3_bind_null(raw, position)
            case .text(var text):
                text.withUTF8 { bytes in
                    _ = sqlite3_bind_text(raw, position, bytes.baseAddress, Int32(bytes.count), transient)
                }
            case .blob(let bytes):
                bytes.withUnsafeBytes { raw2 in
                    _ = sqlite3_bind_blob(raw, position, raw2.baseAddress, Int32(raw2.count), transient)
                }
            }
        }
        let code = sqlite3_step(raw)
        sqlite3_reset(raw)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: statement.sql)
        }
    }
}

enum BoundValue {
    case integer(Int64)
    case text(String)
    case blob(Data)
    case null

    /// The text GRDB stores a date as, computed once for every row that shares it.
    static func date(_ date: Date) -> BoundValue {
        .text(String.fromDatabaseValue(date.databaseValue) ?? "")
    }

    static func optional(_ text: String?) -> BoundValue {
        text.map { .text($0) } ?? .null
    }
}

/// SQLite copies the bytes before the bind returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
