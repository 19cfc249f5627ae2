import Automation
import Foundation
import GRDB

/// The embedded store's tables as plain values, for `runbook store copy` (one read transaction:
/// a consistent snapshot).
extension AutomationStore {
    public func exportTables(_ names: [String]) throws -> [StoreTable] {
        try writer.read { db in
            try names.map { name in
                let info = try Row.fetchAll(
                    db, sql: "SELECT name, type, pk FROM pragma_table_info(?)", arguments: [name])
                let columns: [(name: String, isDate: Bool)] = info.map {
                    (($0["name"] as String?) ?? "", (($0["type"] as String?) ?? "").uppercased() == "DATETIME")
                }.filter { !Self.nodeLocalColumns.contains($0.name) }
                let list = columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
                let rows = try Row.fetchAll(
                    db, sql: "SELECT \(list) FROM \"\(name)\" ORDER BY \(try Self.rowOrder(name, info: info, db))")
                return StoreTable(
                    name: CopiedTables.snakeCase(name), columns: columns.map { CopiedTables.snakeCase($0.name) },
                    rows: try rows.map { row in
                        try columns.indices.map { index in
                            try Self.storeValue(row[index] as DatabaseValue, isDate: columns[index].isDate, name)
                        }
                    })
            }
        }
    }

    /// Rows in the order they were stored (`rowid`), or by primary key in a table without one.
    private static func rowOrder(_ table: String, info: [Row], _ db: Database) throws -> String {
        let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table]) ?? ""
        guard sql.uppercased().contains("WITHOUT ROWID") else { return "rowid" }
        let key = info.filter { (($0["pk"] as Int?) ?? 0) > 0 }.sorted {
            ($0["pk"] as Int? ?? 0) < ($1["pk"] as Int? ?? 0)
        }
        return key.map { "\"\(($0["name"] as String?) ?? "")\"" }.joined(separator: ", ")
    }

    /// A job's lease names a node of this store: in another store it means nothing (the copy
    /// releases waiting jobs to that store's nodes), and nodes register there themselves.
    static let nodeLocalColumns: Set<String> = ["leaseNode", "leaseExpiresAt"]

    /// Counts of the tables the copy leaves behind (PostgreSQL does not hold them yet; `node`:
    /// nodes register in each store themselves).
    public func tableCounts(except copied: [String]) throws -> [(String, Int)] {
        try writer.read { db in
            let all = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                    AND name NOT LIKE 'grdb_%' ORDER BY name
                    """)
            return try all.filter { !copied.contains($0) && $0 != "node" }.map { name in
                (name, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \"\(name)\"") ?? 0)
            }
        }
    }

    private static func storeValue(_ value: DatabaseValue, isDate: Bool, _ table: String) throws -> StoreValue {
        switch value.storage {
        case .null: return .null
        case .int64(let number): return .integer(number)
        case .double(let number): return .real(number)
        case .string(let text):
            guard isDate else { return .text(text) }
            guard let date = Date.fromDatabaseValue(value) else {
                throw StoreError.invalid("\(table): '\(text)' is not a date the store can read; nothing was copied")
            }
            return .date(date)
        case .blob(let data): return .blob(data)
        }
    }
}
