import Automation
import Foundation
import PostgresNIO

/// The rows Log Analytics' tables read, for a KQL query run over a snapshot of them (the query
/// language compiles to SQLite's SQL: AutomationStore's `LogQuerySnapshot` runs it). Named with
/// the embedded store's tables and columns, so the same compiled query reads them unchanged.
extension PostgresStore {
    /// One table to read: its embedded name, its PostgreSQL table, its columns and how each is
    /// decoded.
    struct LogTableRead {
        var name: String
        /// The PostgreSQL table.
        var from: String
        /// Each column's embedded name and how it is decoded; its PostgreSQL name is the
        /// embedded one in snake_case.
        var columns: [(name: String, kind: ColumnKind)]
        /// The column the query's timespan limits (nil: every row is read).
        var time: String?
        /// The embedded table's row order (its rowid, or its key without one), in PostgreSQL's names.
        var order: String
    }

    enum ColumnKind { case integer, text, bytesText, date }

    /// The rows a KQL query may read on PostgreSQL: about 15 s of reading, well under a gigabyte.
    public static let logRowCap = 2_000_000

    /// Every table a Log Analytics query may read, by the embedded store's name.
    static let logTableReads: [String: LogTableRead] = [
        "configurationChange": LogTableRead(
            name: "configurationChange",
            from: "configuration_change",
            columns: [
                ("id", .integer), ("computer", .text), ("timeGenerated", .date), ("configChangeType", .text),
                ("changeCategory", .text), ("itemKey", .text), ("fieldsChanged", .text), ("current", .bytesText),
                ("previous", .bytesText), ("svcChangeType", .text), ("jobId", .text),
            ], time: "time_generated", order: "id"),
        "machine": LogTableRead(
            name: "machine",
            from: "machine",
            columns: [
                ("id", .integer), ("name", .text), ("family", .text), ("location", .text), ("subscription", .text),
                ("resourceGroup", .text),
            ], time: nil, order: "id"),
        "configurationData": LogTableRead(
            name: "configurationData",
            from: "configuration_data",
            columns: [
                ("machineId", .integer), ("configDataType", .text), ("itemKey", .text), ("fields", .bytesText),
                ("timeGenerated", .date),
            ], time: nil, order: "machine_id, config_data_type, item_key"),
        "machineScan": LogTableRead(
            name: "machineScan",
            from: "machine_scan",
            columns: [("machineId", .integer), ("lastStartedAt", .date), ("lastEndedAt", .date), ("scans", .integer)],
            time: nil, order: "machine_id"),
        "heartbeat": LogTableRead(
            name: "heartbeat",
            from: "heartbeat",
            columns: [
                ("id", .integer), ("computer", .text), ("timeGenerated", .date), ("osType", .text), ("osName", .text),
                ("solutions", .text), ("subscription", .text), ("resourceGroup", .text), ("location", .text),
                ("route", .text), ("sourceKind", .text), ("machineId", .integer),
            ], time: "time_generated", order: "id"),
        "jobStatus": LogTableRead(
            name: "jobStatus", from: "job_status",
            columns: [("jobId", .text), ("seq", .integer), ("status", .text), ("at", .date)], time: "at",
            order: "job_id, seq"),
        "jobStream": LogTableRead(
            name: "jobStream", from: "job_stream",
            columns: [("jobId", .text), ("seq", .integer), ("stream", .text), ("at", .date), ("message", .bytesText)],
            time: "at", order: "job_id, seq"),
        "job": LogTableRead(
            name: "job",
            from: "job",
            columns: [
                ("id", .text), ("runbookName", .text), ("accountName", .text), ("exception", .bytesText),
                ("startReason", .text), ("startedBy", .text),
            ], time: nil, order: "created_at, id"),
        "account": LogTableRead(
            name: "account", from: "account",
            columns: [("name", .text), ("subscription", .text), ("resourceGroup", .text)], time: nil, order: "id"),
    ]

    /// The named tables' rows, those with a time limited to `timespan` (the query limits them
    /// the same way; reading fewer only saves time), and of each only the columns `sql` names
    /// (the compiled query: a column it never names is never read). Jobs are read only when
    /// their status or stream rows are, and only those. Fails past `timeout`, like any call.
    /// At most `rowCap` rows in all: a query over more (no timespan on a large table) is refused
    /// in words, not held in memory until the process is killed.
    public func logTables(
        _ names: Set<String>, sql: String, timespan: DateInterval?, timeout: Duration,
        rowCap: Int = PostgresStore.logRowCap
    ) async throws -> [StoreTable] {
        let reads = names.sorted().compactMap { Self.logTableReads[$0] }
        let logger = logger
        return try await transaction(timeout: timeout) { connection in
            // One snapshot of every table: a scan committing meanwhile is wholly in or out.
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            var tables: [StoreTable] = []
            var left = rowCap
            for read in reads {
                var used = read
                used.columns = read.columns.filter { sql.contains($0.name) }
                if used.columns.isEmpty { used.columns = [read.columns[0]] }  // a table needs a column
                let table = try await Self.read(
                    used, timespan: timespan, names: names, cap: (left, of: rowCap), connection, logger)
                left -= table.rows.count
                tables.append(table)
            }
            return tables
        }
    }

    private static func read(
        _ read: LogTableRead, timespan: DateInterval?, names: Set<String>, cap: (left: Int, of: Int),
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> StoreTable {
        var sql =
            "SELECT " + read.columns.map { CopiedTables.snakeCase($0.name) }.joined(separator: ", ") + " FROM "
            + read.from
        var binds = PostgresBindings()
        var clauses: [String] = []
        // The query compares times at the millisecond the embedded store keeps: a millisecond
        // more either side, so no row it keeps is left unread (it filters again).
        let window = timespan.map {
            ($0.start.addingTimeInterval(-0.001), $0.end.addingTimeInterval(0.001))
        }
        if let time = read.time, let (start, end) = window {
            binds.append(start)
            binds.append(end)
            clauses.append("\(time) >= $1 AND \(time) <= $2")
        }
        if read.name == "job", names.contains("jobStatus") || names.contains("jobStream") {
            var within = ""
            if let (start, end) = window {
                binds.append(start)
                binds.append(end)
                within = " AND at >= $\(binds.count - 1) AND at <= $\(binds.count)"
            }
            clauses.append(
                "(EXISTS (SELECT 1 FROM job_status s WHERE s.job_id = job.id\(within)) "
                    + "OR EXISTS (SELECT 1 FROM job_stream t WHERE t.job_id = job.id\(within)))")
        }
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        // In the embedded table's order, so a query without a sort sees rows as it would there.
        sql += " ORDER BY " + read.order
        var rows: [[StoreValue]] = []
        for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
            guard rows.count < cap.left else {
                throw StoreError.invalid(
                    "the query reads more than \(cap.of) rows of PostgreSQL's tables (\(read.name) and others "
                        + "within its timespan); give it a shorter timespan, or run it against a store folder")
            }
            let cells = row.makeRandomAccess()
            var values: [StoreValue] = []
            values.reserveCapacity(read.columns.count)
            for (index, column) in read.columns.enumerated() {
                let cell = cells[index]
                guard cell.bytes != nil else {
                    values.append(.null)
                    continue
                }
                switch column.kind {
                case .integer: values.append(.integer(try cell.decode(Int64.self)))
                case .text: values.append(.text(try cell.decode(String.self)))
                case .date: values.append(.date(try cell.decode(Date.self)))
                case .bytesText: values.append(.text(String(decoding: try cell.decode(Data.self), as: UTF8.self)))
                }
            }
            rows.append(values)
        }
        return StoreTable(name: read.name, columns: read.columns.map(\.name), rows: rows)
    }
}
