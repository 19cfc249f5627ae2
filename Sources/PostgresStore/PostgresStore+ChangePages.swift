import Automation
import Foundation
import PostgresNIO

/// The portal's pages of changes and machines on PostgreSQL, the same queries as SQLite's
/// (`AutomationStore+Portal.swift`): a keyset cursor on (time, id), counts on the (type, time)
/// index. The text filter is ILIKE (SQLite's LIKE ignores the case of ASCII letters; ILIKE
/// ignores the case of every letter).
extension PostgresStore: ChangePageReading {
    public func changePage(_ query: ChangePageQuery) async throws -> [ChangeRow] {
        var filter = try Self.changeFilter(query)
        if let id = query.before {
            filter.binds.append(id)
            let cursor = "$\(filter.binds.count)"
            // A cursor row that is gone (purged) is no cursor, as on SQLite.
            filter.clauses.append(
                "(NOT EXISTS (SELECT 1 FROM configuration_change WHERE id = \(cursor)) OR (time_generated, id) < "
                    + "(SELECT time_generated, id FROM configuration_change WHERE id = \(cursor)))")
        }
        filter.binds.append(max(1, min(query.limit, 1000)))
        let sql =
            "SELECT * FROM configuration_change" + filter.whereClause
            + " ORDER BY time_generated DESC, id DESC LIMIT $\(filter.binds.count)"
        let rows = try await rows(PostgresQuery(unsafeSQL: sql, binds: filter.binds))
        return readable(rows, table: "configuration_change", key: "item_key", Self.changeRow)
    }

    public func change(id: Int64) async throws -> ChangeRow? {
        let rows = try await rows("SELECT * FROM configuration_change WHERE id = \(id)")
        return readable(rows, table: "configuration_change", key: "item_key", Self.changeRow).first
    }

    public func changeCounts(_ query: ChangePageQuery, from: Date, to: Date, bucketSeconds: Int64) async throws
        -> [ChangeCount]
    {
        let width = max(1, bucketSeconds)
        let first = Int64(from.timeIntervalSince1970.rounded(.down)) / width * width
        let last = Int64(to.timeIntervalSince1970.rounded(.down))
        guard last >= first, (last - first) / width < 10_000 else { return [] }
        var filter = try Self.changeFilter(query)
        filter.binds.append(Date(timeIntervalSince1970: TimeInterval(first)))
        filter.clauses.append("time_generated >= $\(filter.binds.count)")
        filter.binds.append(Date(timeIntervalSince1970: TimeInterval(last + width)))
        filter.clauses.append("time_generated < $\(filter.binds.count)")
        let sql =
            "SELECT (floor(extract(epoch FROM time_generated))::bigint / \(width)) * \(width) AS bucket, "
            + "config_change_type, COUNT(*) AS n FROM configuration_change" + filter.whereClause
            + " GROUP BY bucket, config_change_type ORDER BY bucket"
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: filter.binds)).compactMap { row in
            let columns = StoredColumns(row)
            guard let type = try? columns.enumeration(ConfigType.self, "config_change_type") else { return nil }
            return ChangeCount(
                bucket: Int64(try columns.integer("bucket")), type: type, count: try columns.integer("n"))
        }
    }

    public func changeCounts(_ slots: [ChangeSlot]) async throws -> [Int] {
        guard !slots.isEmpty else { return [] }
        // One statement: each slot's count from the (type, time) index.
        let types = slots.map(\.type.rawValue)
        let starts = slots.map(\.from)
        let ends = slots.map(\.to)
        var binds = PostgresBindings()
        binds.append(types)
        binds.append(starts.map { $0.timeIntervalSince1970 })
        binds.append(ends.map { $0.timeIntervalSince1970 })
        let sql = """
            SELECT (SELECT COUNT(*) FROM configuration_change
                WHERE config_change_type = s.t AND time_generated >= to_timestamp(s.a)
                    AND time_generated < to_timestamp(s.b))
            FROM unnest($1::text[], $2::float8[], $3::float8[]) WITH ORDINALITY AS s(t, a, b, n) ORDER BY s.n
            """
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map { try $0.decode(Int.self) }
    }

    public func changeSpan(_ query: ChangePageQuery) async throws -> ChangeSpan? {
        let filter = try Self.changeFilter(query)
        let sql =
            "SELECT MIN(time_generated) AS first, MAX(time_generated) AS last FROM configuration_change"
            + filter.whereClause
        guard let row = try await rows(PostgresQuery(unsafeSQL: sql, binds: filter.binds)).first else { return nil }
        let columns = StoredColumns(row)
        guard let first = try columns.optionalDate("first"), let last = try columns.optionalDate("last") else {
            return nil
        }
        return ChangeSpan(first: first, last: last)
    }

    public func machineList(subscription: String?, location: String?, offset: Int, limit: Int) async throws
        -> MachineListPage
    {
        let filtered = subscription != nil && location != nil
        let counts = try await rows(
            """
            SELECT COUNT(*) FILTER (WHERE NOT \(filtered) OR (subscription = \(subscription) AND location = \(location))),
                COUNT(*) FROM machine
            """)
        let (matching, total) = try counts.first?.decode((Int, Int).self) ?? (0, 0)
        let rows = try await rows(
            """
            SELECT m.name, m.os, m.subscription, m.resource_group, m.location, m.route, m.gateway,
                (SELECT enabled_at FROM machine_solution s WHERE s.machine_id = m.id
                    AND s.solution = 'ChangeTracking') AS change_tracking,
                (SELECT enabled_at FROM machine_solution s WHERE s.machine_id = m.id
                    AND s.solution = 'Inventory') AS inventory
            FROM machine m
            WHERE NOT \(filtered) OR (m.subscription = \(subscription) AND m.location = \(location))
            ORDER BY m.name LIMIT \(max(1, limit)) OFFSET \(max(0, offset))
            """)
        let list = readable(rows, table: "machine", key: "name") { row in
            MachineListRow(
                name: try row.text("name"), os: try row.text("os"), subscription: try row.text("subscription"),
                resourceGroup: try row.text("resource_group"), location: try row.text("location"),
                route: try row.text("route"), gateway: try row.optionalText("gateway"),
                changeTracking: try row.optionalDate("change_tracking"), inventory: try row.optionalDate("inventory"))
        }
        return MachineListPage(rows: list, matching: matching, total: total)
    }

    /// A change query's filters as WHERE terms with their bound values.
    struct ChangeWhere {
        var clauses: [String] = []
        var binds = PostgresBindings()
        var whereClause: String { clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ") }

        mutating func add(_ clause: String, _ value: some PostgresEncodable & Sendable) throws {
            try binds.append(value)
            clauses.append(clause.replacingOccurrences(of: "?", with: "$\(binds.count)"))
        }
    }

    static func changeFilter(_ query: ChangePageQuery) throws -> ChangeWhere {
        var filter = ChangeWhere()
        if let machine = query.machine { try filter.add("computer = ?", machine) }
        if let type = query.type { try filter.add("config_change_type = ?", type.rawValue) }
        if let category = query.category { try filter.add("change_category = ?", category.rawValue) }
        if let since = query.since { try filter.add("time_generated >= ?", since) }
        if let until = query.until { try filter.add("time_generated < ?", until) }
        if let text = query.text, !text.isEmpty {
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            // Both placeholders become the one bound value.
            try filter.add("(item_key ILIKE ? ESCAPE '\\' OR computer ILIKE ? ESCAPE '\\')", "%" + escaped + "%")
        }
        return filter
    }
}
