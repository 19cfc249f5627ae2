import Automation
import Foundation
import GRDB

extension AutomationStore {
    /// One page of changes, newest first.
    public func changePage(_ query: ChangePageQuery) throws -> [ChangeRow] {
        let rows = try writer.read { db in
            var (clauses, arguments) = Self.changeClauses(query)
            if let id = query.before,
                let time = try Date.fetchOne(
                    db, sql: "SELECT timeGenerated FROM configurationChange WHERE id = ?", arguments: [id])
            {
                // `timeGenerated <= ?` on its own lets the time index start at the cursor.
                clauses.append("timeGenerated <= ? AND (timeGenerated < ? OR id < ?)")
                arguments += [time, time, id]
            }
            var sql = "SELECT * FROM configurationChange"
            if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
            sql += " ORDER BY timeGenerated DESC, id DESC LIMIT ?"
            arguments.append(max(1, min(query.limit, 1000)))
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        }
        return readable(rows, table: "configurationChange", key: "id", Self.changeRow)
    }

    /// One change by its id, or nil.
    public func change(id: Int64) throws -> ChangeRow? {
        let rows = try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM configurationChange WHERE id = ?", arguments: [id])
        }
        return readable(rows, table: "configurationChange", key: "id", Self.changeRow).first
    }

    /// Counts per (bucket, type) of the changes the query's filters select between `from` and
    /// `to` (its cursor and limit are ignored), in buckets of `bucketSeconds` aligned on 1970.
    /// This reads every selected row; without a machine, category or text filter, counting
    /// slots (`changeCounts(_ slots:)`) reads the index alone.
    public func changeCounts(_ query: ChangePageQuery, from: Date, to: Date, bucketSeconds: Int64) throws
        -> [ChangeCount]
    {
        let width = max(1, bucketSeconds)
        let first = Int64(from.timeIntervalSince1970.rounded(.down)) / width * width
        let last = Int64(to.timeIntervalSince1970.rounded(.down))
        guard last >= first, (last - first) / width < 10_000 else { return [] }
        return try writer.read { db in
            var (clauses, arguments) = Self.changeClauses(query)
            clauses += ["timeGenerated >= ?", "timeGenerated < ?"]
            arguments += [
                Date(timeIntervalSince1970: TimeInterval(first)),
                Date(timeIntervalSince1970: TimeInterval(last + width)),
            ]
            let sql =
                "SELECT (CAST(strftime('%s', timeGenerated) AS INTEGER) / \(width)) * \(width) AS bucket, "
                + "configChangeType, COUNT(*) AS n FROM configurationChange WHERE "
                + clauses.joined(separator: " AND ") + " GROUP BY bucket, configChangeType ORDER BY bucket"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).compactMap { row in
                guard let type = ConfigType(rawValue: row["configChangeType"] ?? "") else { return nil }
                return ChangeCount(bucket: row["bucket"] ?? 0, type: type, count: row["n"] ?? 0)
            }
        }
    }

    /// The number of changes of each slot's type in its time range, one per slot, each counted
    /// on the (type, time) index without reading a row.
    public func changeCounts(_ slots: [ChangeSlot]) throws -> [Int] {
        try writer.read { db in try Self.count(slots, db: db) }
    }

    private static func count(_ slots: [ChangeSlot], db: Database) throws -> [Int] {
        let statement = try db.makeStatement(
            sql: "SELECT COUNT(*) FROM configurationChange "
                + "WHERE configChangeType = ? AND timeGenerated >= ? AND timeGenerated < ?")
        return try slots.map { slot in
            try Int.fetchOne(statement, arguments: [slot.type.rawValue, slot.from, slot.to]) ?? 0
        }
    }

    /// The oldest and newest change times the filters select (nil when none).
    public func changeSpan(_ query: ChangePageQuery) throws -> (Date, Date)? {
        try writer.read { db in
            let (clauses, arguments) = Self.changeClauses(query)
            let filter = clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND ")
            // One aggregate a query: SQLite answers a lone MIN or MAX from the time index.
            guard
                let first = try Date.fetchOne(
                    db, sql: "SELECT MIN(timeGenerated) FROM configurationChange" + filter,
                    arguments: StatementArguments(arguments)),
                let last = try Date.fetchOne(
                    db, sql: "SELECT MAX(timeGenerated) FROM configurationChange" + filter,
                    arguments: StatementArguments(arguments))
            else { return nil }
            return (first, last)
        }
    }

    /// The WHERE terms of a change query's filters (shared by `changes` and the portal's pages).
    static func changeClauses(_ query: ChangePageQuery) -> ([String], [any DatabaseValueConvertible]) {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let machine = query.machine {
            clauses.append("computer = ?")
            arguments.append(machine)
        }
        if let type = query.type {
            clauses.append("configChangeType = ?")
            arguments.append(type.rawValue)
        }
        if let category = query.category {
            clauses.append("changeCategory = ?")
            arguments.append(category.rawValue)
        }
        if let since = query.since {
            clauses.append("timeGenerated >= ?")
            arguments.append(since)
        }
        if let until = query.until {
            clauses.append("timeGenerated < ?")
            arguments.append(until)
        }
        if let text = query.text, !text.isEmpty {
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            clauses.append("(itemKey LIKE ? ESCAPE '\\' OR computer LIKE ? ESCAPE '\\')")
            arguments += ["%" + escaped + "%", "%" + escaped + "%"]
        }
        return (clauses, arguments)
    }

    static func changeRow(_ row: Row) throws -> ChangeRow {
        let stored = StoredRow(row)
        let fields = try stored.text("fieldsChanged")
        let change = ItemChange(
            type: try stored.enumeration(ConfigType.self, "configChangeType"), key: try stored.text("itemKey"),
            category: try stored.enumeration(ChangeCategory.self, "changeCategory"),
            fieldsChanged: fields.isEmpty ? [] : fields.components(separatedBy: ", "),
            current: try FieldsCodec.decode(try stored.text("current")),
            previous: try FieldsCodec.decode(try stored.text("previous")))
        return ChangeRow(
            id: Int64(try stored.integer("id")), computer: try stored.text("computer"),
            timeGenerated: try stored.date("timeGenerated"), change: change, jobId: try stored.optionalText("jobId"))
    }
}

extension AutomationStore {
    /// A page of machines by name, only those in `subscription` and `location` when given,
    /// and how many machines match and exist in all.
    public func machineList(subscription: String?, location: String?, offset: Int, limit: Int) throws -> (
        rows: [MachineListRow], matching: Int, total: Int
    ) {
        try writer.read { db in
            var filter = ""
            var arguments: [any DatabaseValueConvertible] = []
            if let subscription, let location {
                filter = " WHERE subscription = ? AND location = ?"
                arguments = [subscription, location]
            }
            let matching =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM machine" + filter, arguments: StatementArguments(arguments)) ?? 0
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM machine") ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT name, os, subscription, resourceGroup, location, route, gateway,
                        (SELECT enabledAt FROM machineSolution s WHERE s.machineId = machine.id
                            AND s.solution = 'ChangeTracking') AS changeTracking,
                        (SELECT enabledAt FROM machineSolution s WHERE s.machineId = machine.id
                            AND s.solution = 'Inventory') AS inventory
                    FROM machine
                    """ + filter + " ORDER BY name LIMIT ? OFFSET ?",
                arguments: StatementArguments(arguments + [max(1, limit), max(0, offset)]))
            return (
                rows.map { row in
                    MachineListRow(
                        name: row["name"] ?? "", os: row["os"] ?? "", subscription: row["subscription"] ?? "",
                        resourceGroup: row["resourceGroup"] ?? "", location: row["location"] ?? "",
                        route: row["route"] ?? "", gateway: row["gateway"], changeTracking: row["changeTracking"],
                        inventory: row["inventory"])
                }, matching, total
            )
        }
    }
}
