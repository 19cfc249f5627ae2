import Foundation

/// A Kusto scalar type, named as Azure's query API names it in a result's `columns`.
public enum KQLType: String, Sendable, CaseIterable {
    case string, long, int, real, bool, datetime, timespan, dynamic, guid

    var isNumeric: Bool { self == .long || self == .int || self == .real }
}

/// A column of a table the compiler may read: its Kusto name and type, and the SQL expression that
/// yields it over the table's `source`.
public struct KQLColumn: Sendable, Hashable {
    public var name: String
    public var type: KQLType
    /// An SQL expression over the table's source, for example `"c"."computer"`.
    public var sql: String

    public init(name: String, type: KQLType, sql: String) {
        self.name = name
        self.type = type
        self.sql = sql
    }
}

/// A table a query can name: `source` is an SQL FROM item (a table or view name, or a
/// parenthesised `SELECT`).
public struct KQLTable: Sendable {
    public var name: String
    public var source: String
    public var columns: [KQLColumn]
    /// An SQL expression unique per row of `source` (a rowid), when it has one: `arg_max(x, *)`
    /// then finds each group's row by this key first and computes the other columns only for
    /// the rows it returns.
    public var rowKey: String?

    public init(name: String, source: String, columns: [KQLColumn], rowKey: String? = nil) {
        self.name = name
        self.source = source
        self.columns = columns
        self.rowKey = rowKey
    }
}

/// The tables a query may read.
public struct KQLSchema: Sendable {
    public var tables: [KQLTable]

    public init(tables: [KQLTable]) {
        self.tables = tables
    }

    func table(named name: String) -> KQLTable? {
        tables.first { $0.name == name }
    }
}

/// What a compilation depends on besides the text: the instant `now()` and `ago()` count from,
/// the query API's `timespan` (applied to every table that has a `TimeGenerated` column) and the
/// most rows a result may have (the SQL asks for one more, so a cut is noticed).
public struct KQLOptions: Sendable {
    public var now: Date
    public var timespan: DateInterval?
    public var rowLimit: Int

    public init(now: Date, timespan: DateInterval? = nil, rowLimit: Int = 30_000) {
        self.now = now
        self.timespan = timespan
        self.rowLimit = rowLimit
    }
}
