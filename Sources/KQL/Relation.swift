/// One `SELECT` being built: operators add to it while SQL allows, and wrap it in a subquery
/// when they must (a `where` after a `take`, a `summarize` after a `summarize`, ...).
struct Relation: Sendable {
    struct Column: Sendable {
        var name: String
        var type: KQLType
        /// An SQL expression over `from`.
        var sql: String
    }

    struct OrderKey: Sendable {
        var sql: String
        var descending: Bool
        var nullsFirst: Bool?

        var clause: String {
            var text = sql + (descending ? " DESC" : " ASC")
            if let nullsFirst { text += nullsFirst ? " NULLS FIRST" : " NULLS LAST" }
            return text
        }
    }

    var from: String
    var columns: [Column]
    var filters: [String] = []
    /// Nil: not aggregated; empty: aggregated without `GROUP BY` (one row).
    var groupBy: [String]?
    var distinct = false
    var order: [OrderKey] = []
    var limit: Int?
    /// The table's row key while the rows are still the table's own (only filtered and
    /// projected); nil after anything else.
    var rowKey: String?
    /// As a subquery, not merged into the query around it (`OFFSET 0` stops SQLite's flattener).
    var keepAsSubquery = false

    /// Nothing but projection and filters: a `where`, `summarize` or `distinct` can be added.
    var isPlain: Bool { groupBy == nil && !distinct && limit == nil }

    func column(named name: String) -> Column? {
        columns.first { $0.name == name }
    }

    /// The statement, with the given result items (default: every column, as `c0`, `c1`, ...).
    func select(items: [String]? = nil) -> String {
        let items = items ?? columns.enumerated().map { "\($0.element.sql) AS c\($0.offset)" }
        var sql = "SELECT " + (distinct ? "DISTINCT " : "") + (items.isEmpty ? "NULL" : items.joined(separator: ", "))
        sql += " FROM " + from
        if !filters.isEmpty { sql += " WHERE " + Self.conjunction(filters) }
        if let groupBy, !groupBy.isEmpty { sql += " GROUP BY " + groupBy.joined(separator: ", ") }
        if !order.isEmpty { sql += " ORDER BY " + order.map(\.clause).joined(separator: ", ") }
        if let limit {
            sql += " LIMIT \(limit)"
        } else if keepAsSubquery {
            sql += " LIMIT -1"
        }
        if keepAsSubquery { sql += " OFFSET 0" }
        return sql
    }

    static func conjunction(_ terms: [String]) -> String {
        terms.count == 1 ? terms[0] : terms.map { "(\($0))" }.joined(separator: " AND ")
    }

    /// `name`, or `name1`, `name2`, ... when a column already has it.
    func uniqueName(_ name: String, excluding: Set<String> = []) -> String {
        var names = UniqueNames(columns.map(\.name) + Array(excluding))
        return names.claim(name)
    }
}

/// Names handed out without repeats (`name`, then `name1`, `name2`, ...): one set for many
/// claims, and the next suffix kept per name, so naming n columns costs O(n), not O(n^2).
struct UniqueNames {
    private var taken: Set<String>
    private var nextSuffix: [String: Int] = [:]

    init(_ names: some Sequence<String>) {
        taken = Set(names)
    }

    mutating func claim(_ name: String) -> String {
        guard taken.contains(name) else {
            taken.insert(name)
            return name
        }
        var suffix = nextSuffix[name] ?? 1
        while taken.contains("\(name)\(suffix)") { suffix += 1 }
        nextSuffix[name] = suffix + 1
        let unique = "\(name)\(suffix)"
        taken.insert(unique)
        return unique
    }
}
