import Automation
import Foundation
import PostgresNIO

/// `runbook store copy`: an embedded store's tables written into an empty PostgreSQL store in
/// one transaction (all or nothing), each value converted to its column's type, then the
/// counters PostgreSQL keeps itself (identity sequences, a job's status and stream sequence
/// numbers) set from what was copied.
extension PostgresStore {
    /// Returns the row count of each table after the copy.
    public func importTables(_ tables: [StoreTable]) async throws -> [String: Int] {
        let logger = logger
        // A copy of a large store is one long transaction: an hour, not a call's 15 seconds.
        return try await transaction(timeout: .seconds(3600)) { connection in
            for table in tables {
                let taken = try await connection.rows(
                    PostgresQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(Self.quoted(table.name)))"),
                    logger: logger
                ).first?.decode(Bool.self)
                if taken == true {
                    throw StoreError.invalid(
                        "the PostgreSQL store already holds rows in '\(table.name)': copy into a new, empty "
                            + "database (runbook store migrate makes its tables); nothing was copied")
                }
            }
            for table in tables {
                try await Self.insert(table, connection, logger)
            }
            // Waiting jobs belong to no process: any node's claim takes them.
            try await connection.query(
                "UPDATE job SET owner_pid = NULL, owner_host = NULL WHERE status IN ('New', 'Resuming', 'Suspended')",
                logger: logger)
            try await connection.query(
                """
                UPDATE job SET
                    status_seq = COALESCE((SELECT MAX(seq) FROM job_status WHERE job_id = job.id), 1),
                    stream_seq = COALESCE((SELECT MAX(seq) FROM job_stream WHERE job_id = job.id), 0)
                """, logger: logger)
            for name in ["workspace", "account", "schedule", "gateway", "machine", "configuration_change", "heartbeat"]
            {
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(name)', 'id'), COALESCE(MAX(id), 0) + 1, false)
                            FROM \(name)
                            """), logger: logger)
            }
            var counts: [String: Int] = [:]
            for table in tables {
                counts[table.name] =
                    try await connection.rows(
                        PostgresQuery(unsafeSQL: "SELECT COUNT(*) FROM \(Self.quoted(table.name))"), logger: logger
                    ).first?.decode(Int.self) ?? 0
            }
            return counts
        }
    }

    private static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Inserts a table's rows in statements of at most 500 rows.
    private static func insert(_ table: StoreTable, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let types = Dictionary(
            try await connection.rows(
                """
                SELECT column_name, data_type FROM information_schema.columns
                WHERE table_name = \(table.name) AND table_schema = current_schema()
                """, logger: logger
            ).map { try $0.decode((String, String).self) }, uniquingKeysWith: { first, _ in first })
        guard !types.isEmpty else {
            throw StoreError.invalid("the PostgreSQL store has no table '\(table.name)'; run 'runbook store migrate'")
        }
        let columnTypes = try table.columns.map { column in
            guard let type = types[column] else {
                throw StoreError.invalid(
                    "the PostgreSQL store's table '\(table.name)' has no column '\(column)': "
                        + "copying would lose it; nothing was copied")
            }
            return type
        }
        let names = table.columns.map(quoted).joined(separator: ", ")
        var start = 0
        while start < table.rows.count {
            let batch = table.rows[start..<min(start + 500, table.rows.count)]
            var binds = PostgresBindings(capacity: batch.count * table.columns.count)
            var tuples: [String] = []
            for (offset, row) in batch.enumerated() {
                var placeholders: [String] = []
                for (index, value) in row.enumerated() {
                    let type = columnTypes[index]
                    try bind(
                        value, as: type, into: &binds, column: "\(table.name).\(table.columns[index])",
                        row: start + offset + 1)
                    placeholders.append("$\(binds.count)" + (type == "jsonb" ? "::jsonb" : ""))
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            let sql =
                "INSERT INTO \(quoted(table.name)) (\(names)) OVERRIDING SYSTEM VALUE VALUES "
                + tuples.joined(separator: ", ")
            try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            start += batch.count
        }
    }

    /// A value as its PostgreSQL column's type; one that does not fit is an error naming the
    /// column and row (nothing is copied).
    private static func bind(
        _ value: StoreValue, as type: String, into binds: inout PostgresBindings, column: String, row: Int
    ) throws {
        func refuse() -> StoreError {
            StoreError.invalid("\(column), row \(row): \(value) does not fit a \(type) column; nothing was copied")
        }
        switch (value, type) {
        case (.null, _): binds.appendNull()
        case (.integer(let number), "bigint"), (.integer(let number), "integer"): binds.append(number)
        case (.integer(let number), "boolean"): binds.append(number != 0)
        case (.integer(let number), "text"): binds.append(String(number))
        case (.real(let number), "double precision"): binds.append(number)
        case (.text(let text), "text"), (.text(let text), "jsonb"): binds.append(text)
        case (.text(let text), "bytea"): try binds.append(Data(text.utf8))
        case (.text(let text), "bigint"):
            guard let number = Int64(text) else { throw refuse() }
            binds.append(number)
        case (.blob(let data), "bytea"): try binds.append(data)
        case (.blob(let data), "text"), (.blob(let data), "jsonb"):
            guard let text = String(data: data, encoding: .utf8) else { throw refuse() }
            binds.append(text)
        case (.date(let date), "timestamp with time zone"): binds.append(date)
        default: throw refuse()
        }
    }
}
