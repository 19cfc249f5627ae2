import Automation
import Foundation
import PostgresNIO

/// Tracking settings, snapshots and changes on PostgreSQL. A settings version is the account
/// row's lock then MAX+1 (the key refuses a repeat); a scan's commit takes the machine row's lock
/// (`SELECT ... FOR UPDATE`) before it compares the scan count, so two scans of one machine,
/// on any nodes, commit one after the other and the later one finds itself stale.
extension PostgresStore: ChangeTrackingStoring {
    public func trackingSettings(account: String) async throws -> TrackingSettingsVersion {
        let logger = logger
        let row = try await transaction { connection in
            let accountId = try await Self.accountId(account, connection, logger)
            return try await connection.rows(
                """
                SELECT version, changed_at, settings::text AS settings FROM tracking_settings
                WHERE account_id = \(accountId) ORDER BY version DESC LIMIT 1
                """, logger: logger
            ).first
        }
        guard let row else { return TrackingSettingsVersion(settings: .initial, version: 0, changedAt: nil) }
        return try readOne(row, table: "tracking_settings", key: "version") { row in
            TrackingSettingsVersion(
                settings: try row.json(TrackingSettings.self, "settings", "tracking settings JSON"),
                version: try row.integer("version"), changedAt: try row.date("changed_at"))
        }
    }

    public func saveTrackingSettings(
        _ settings: TrackingSettings, account: String, basedOn expected: Int?, jobId: String?, at now: Date
    ) async throws -> Int? {
        let logger = logger
        let text = try JSONText.encode(settings)
        return try await transaction { connection in
            let accountId = try await Self.accountId(account, connection, logger)
            // The account row's lock: two saves of one account number their versions in turn.
            try await connection.query("SELECT 1 FROM account WHERE id = \(accountId) FOR UPDATE", logger: logger)
            if let expected {
                let current =
                    try await connection.rows(
                        "SELECT COALESCE(MAX(version), 0) FROM tracking_settings WHERE account_id = \(accountId)",
                        logger: logger
                    ).first?.decode(Int.self) ?? 0
                guard current == expected else { return nil }
            }
            let rows = try await connection.rows(
                """
                INSERT INTO tracking_settings (account_id, version, changed_at, settings, job_id)
                SELECT \(accountId), COALESCE(MAX(version), 0) + 1, \(now), \(text)::jsonb, \(jobId)
                FROM tracking_settings WHERE account_id = \(accountId)
                RETURNING version
                """, logger: logger)
            guard let version = try rows.first?.decode(Int.self) else {
                throw StoreError.invalid("the tracking settings of '\(account)' were not stored")
            }
            return version
        }
    }

    public func lastScan(machine: String) async throws -> ScanMark? {
        let rows = try await rows(
            """
            SELECT s.last_started_at, s.last_ended_at, s.scans FROM machine_scan s
            JOIN machine m ON m.id = s.machine_id WHERE m.name = \(machine)
            """)
        try await requireMachine(machine, found: !rows.isEmpty)
        return try rows.first.map { row in
            try readOne(row, table: "machine_scan", key: "scans") { row in
                ScanMark(
                    startedAt: try row.date("last_started_at"), endedAt: try row.date("last_ended_at"),
                    scans: try row.integer("scans"))
            }
        }
    }

    public func fileIndex(machine: String) async throws -> FileIndex {
        let rows = try await rows(
            "SELECT f.entries FROM file_index f JOIN machine m ON m.id = f.machine_id WHERE m.name = \(machine)")
        try await requireMachine(machine, found: !rows.isEmpty)
        guard let row = rows.first else { return [:] }
        return try FileIndexCodec.decode(try row.decode(Data.self))
    }

    public func fileKeys(machine: String) async throws -> Set<String> {
        let rows = try await rows(
            """
            SELECT d.item_key FROM configuration_data d JOIN machine m ON m.id = d.machine_id
            WHERE m.name = \(machine) AND d.config_data_type = 'Files'
            """)
        try await requireMachine(machine, found: !rows.isEmpty)
        return Set(try rows.map { try $0.decode(String.self) })
    }

    public func fileCount(machine: String) async throws -> Int {
        let rows = try await rows(
            """
            SELECT count(d.item_key) FROM machine m
            LEFT JOIN configuration_data d ON d.machine_id = m.id AND d.config_data_type = 'Files'
            WHERE m.name = \(machine) GROUP BY m.id
            """)
        try await requireMachine(machine, found: !rows.isEmpty)
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    public func snapshot(machine: String, files: Set<String>) async throws -> [InventoryItem] {
        let fileList = Array(files)
        let rows = try await rows(
            """
            SELECT d.config_data_type, d.item_key, d.fields FROM configuration_data d
            JOIN machine m ON m.id = d.machine_id
            WHERE m.name = \(machine) AND (d.config_data_type != 'Files' OR d.item_key = ANY(\(fileList)))
            """)
        try await requireMachine(machine, found: !rows.isEmpty)
        return try rows.map { row in
            try readOne(row, table: "configuration_data", key: "item_key") { row in
                InventoryItem(
                    type: try row.enumeration(ConfigType.self, "config_data_type"), key: try row.text("item_key"),
                    fields: try FieldsCodec.decode(try row.bytesText("fields")))
            }
        }.sorted(by: InventoryItem.ordered)
    }

    /// A read that found nothing tells an unknown machine (an error, as on SQLite) from one
    /// with nothing stored yet.
    private func requireMachine(_ name: String, found: Bool) async throws {
        guard !found else { return }
        guard try await !rows("SELECT 1 FROM machine WHERE name = \(name)").isEmpty else {
            throw StoreError.notFound(kind: "machine", name: name, hint: "")
        }
    }

    public func commitScan(_ record: ScanRecord, proceed: @escaping @Sendable () -> Bool) async throws -> ScanCommit {
        let logger = logger
        do {
            // A full scan's baseline is one long transaction, not a call's 15 seconds.
            return try await transaction(timeout: .seconds(600)) { connection in
                let machineId = try await Self.machineId(record.machine, connection, logger, lock: true)
                if let expected = record.expectedScans {
                    let scans =
                        try await connection.rows(
                            "SELECT scans FROM machine_scan WHERE machine_id = \(machineId)", logger: logger
                        ).first?.decode(Int.self) ?? 0
                    guard scans == expected else { return .stale }
                }
                if let step = record.agentSequence {
                    let advanced = try await connection.rows(
                        """
                        UPDATE agent SET last_sequence = \(step.next)
                        WHERE machine_id = \(machineId) AND last_sequence = \(step.previous)
                            AND \(step.next) > \(step.previous) AND credential_id = \(step.credentialId)
                            AND revoked_at IS NULL
                        RETURNING 1
                        """, logger: logger)
                    guard !advanced.isEmpty else { return .stale }
                }
                guard proceed() else { throw ScanStopped() }
                try await Self.writeScan(record, machineId: machineId, connection, logger)
                try await Self.checkFence(record, connection, logger)
                guard proceed() else { throw ScanStopped() }
                return .committed
            }
        } catch is ScanStopped {
            return .stopped
        }
    }

    /// Thrown inside the commit transaction to roll it back when the scan was stopped.
    private struct ScanStopped: Error {}

    /// The fence, last before the commit: a job recovered from its node meanwhile (a partition,
    /// a paused process) has ended or moved to another node, and this scan records nothing. The
    /// key-share lock keeps recovery (`FOR UPDATE SKIP LOCKED`) off the job until the commit
    /// ends, and lets the node's heartbeat renew the lease meanwhile.
    private static func checkFence(_ record: ScanRecord, _ connection: PostgresConnection, _ logger: Logger)
        async throws
    {
        guard let jobId = record.jobId,
            let row = try await connection.rows(
                "SELECT status, lease_node FROM job WHERE id = \(jobId) FOR KEY SHARE", logger: logger
            ).first
        else { return }
        let (status, lease) = try row.decode((String, String?).self)
        guard JobStatus.scanMayCommit(status) else { throw ScanStopped() }
        if let node = record.leaseNode, lease != node { throw ScanStopped() }
    }

    /// Rows per statement: each statement carries its rows as arrays (`unnest`), so a baseline
    /// of 100,000 items is a few round trips, not 100,000.
    static let scanBatch = 5000

    private static func writeScan(
        _ record: ScanRecord, machineId: Int64, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        // An item key PostgreSQL's text cannot hold fails the scan in words, not SQLSTATE.
        if let bad = record.changes.first(where: { $0.key.utf8.contains(0) }) {
            throw StoreError.invalid(
                "\(record.machine): the \(bad.type.rawValue) item '\(bad.key.replacingOccurrences(of: "\u{0}", with: "\\0"))' "
                    + "has a NUL byte in its name, which PostgreSQL cannot store; nothing of this scan was stored")
        }
        let removed = record.changes.filter { $0.category == .removed }
        // Two items of one type and key (a package of two architectures): the last one is the
        // snapshot's row, as SQLite's INSERT OR REPLACE keeps it.
        var lastOf: [String: Int] = [:]
        for (index, change) in record.changes.enumerated() where change.category != .removed {
            lastOf[change.type.rawValue + "\u{0}" + change.key] = index
        }
        let stored = lastOf.values.sorted().map { record.changes[$0] }
        for batch in stride(from: 0, to: removed.count, by: scanBatch) {
            let slice = removed[batch..<min(batch + scanBatch, removed.count)]
            let types = slice.map(\.type.rawValue)
            let keys = slice.map(\.key)
            try await connection.query(
                """
                DELETE FROM configuration_data d USING unnest(\(types)::text[], \(keys)::text[]) AS u(t, k)
                WHERE d.machine_id = \(machineId) AND d.config_data_type = u.t AND d.item_key = u.k
                """, logger: logger)
        }
        for batch in stride(from: 0, to: stored.count, by: scanBatch) {
            let slice = stored[batch..<min(batch + scanBatch, stored.count)]
            let types = slice.map(\.type.rawValue)
            let keys = slice.map(\.key)
            let fields = try slice.map { ByteBuffer(string: try FieldsCodec.encode($0.current)) }
            try await connection.query(
                """
                INSERT INTO configuration_data (machine_id, config_data_type, item_key, fields, time_generated)
                SELECT \(machineId), u.t, u.k, u.f, \(record.endedAt)
                FROM unnest(\(types)::text[], \(keys)::text[], \(fields)::bytea[]) AS u(t, k, f)
                ON CONFLICT (machine_id, config_data_type, item_key)
                DO UPDATE SET fields = excluded.fields, time_generated = excluded.time_generated
                """, logger: logger)
        }
        if record.recordChanges {
            for batch in stride(from: 0, to: record.changes.count, by: scanBatch) {
                let slice = record.changes[batch..<min(batch + scanBatch, record.changes.count)]
                let types = slice.map(\.type.rawValue)
                let categories = slice.map(\.category.rawValue)
                let keys = slice.map(\.key)
                let changed = slice.map { $0.fieldsChanged.joined(separator: ", ") }
                let current = try slice.map { ByteBuffer(string: try FieldsCodec.encode($0.current)) }
                let previous = try slice.map { ByteBuffer(string: try FieldsCodec.encode($0.previous)) }
                // svcChangeType is never empty when present: '' stands for none in the array.
                let service = slice.map { $0.svcChangeType ?? "" }
                try await connection.query(
                    """
                    INSERT INTO configuration_change (computer, time_generated, config_change_type,
                        change_category, item_key, fields_changed, current, previous, svc_change_type, job_id)
                    SELECT \(record.machine), \(record.endedAt), u.t, u.c, u.k, u.fc, u.cur, u.prev,
                        NULLIF(u.svc, ''), \(record.jobId)
                    FROM unnest(\(types)::text[], \(categories)::text[], \(keys)::text[], \(changed)::text[],
                        \(current)::bytea[], \(previous)::bytea[], \(service)::text[])
                        WITH ORDINALITY AS u(t, c, k, fc, cur, prev, svc, n)
                    ORDER BY u.n
                    """, logger: logger)
            }
        }
        if let index = record.fileIndex {
            try await connection.query(
                """
                INSERT INTO file_index (machine_id, entries, count)
                VALUES (\(machineId), \(FileIndexCodec.encode(index)), \(index.count))
                ON CONFLICT (machine_id) DO UPDATE SET entries = excluded.entries, count = excluded.count
                """, logger: logger)
        }
        try await connection.query(
            """
            INSERT INTO machine_scan (machine_id, last_started_at, last_ended_at, scans)
            VALUES (\(machineId), \(record.startedAt), \(record.endedAt), 1)
            ON CONFLICT (machine_id) DO UPDATE SET last_started_at = excluded.last_started_at,
                last_ended_at = excluded.last_ended_at, scans = machine_scan.scans + 1
            """, logger: logger)
        // Log Analytics' Heartbeat row of the scan: what the machine was when it reported.
        try await connection.query(
            """
            INSERT INTO heartbeat (computer, time_generated, os_type, os_name, solutions, subscription,
                resource_group, location, route, source_kind, machine_id)
            SELECT name, \(record.endedAt), CASE family WHEN 'windows' THEN 'Windows' ELSE 'Linux' END, os,
                COALESCE((SELECT string_agg(CASE solution WHEN 'ChangeTracking' THEN 'changeTracking'
                    ELSE 'inventory' END, ', ' ORDER BY solution)
                    FROM machine_solution WHERE machine_id = machine.id), ''),
                subscription, resource_group, location, route, source_kind, id
            FROM machine WHERE id = \(machineId)
            """, logger: logger)
    }

    /// The portal's filters (`changeFilter`, as SQLite's `changes` reuses its `changeClauses`)
    /// and a job.
    public func changes(_ filter: ChangeFilter) async throws -> [ChangeRow] {
        var clauses = try Self.changeFilter(
            ChangePageQuery(machine: filter.machine, type: filter.type, category: filter.category, since: filter.since))
        if let jobId = filter.jobId { try clauses.add("job_id = ?", jobId) }
        var sql = "SELECT * FROM configuration_change" + clauses.whereClause + " ORDER BY time_generated DESC, id DESC"
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        let rows = try await rows(PostgresQuery(unsafeSQL: sql, binds: clauses.binds))
        return readable(rows, table: "configuration_change", key: "item_key", Self.changeRow)
    }

    static func changeRow(_ row: StoredColumns) throws -> ChangeRow {
        let fieldsChanged = try row.text("fields_changed")
        return ChangeRow(
            id: Int64(try row.integer("id")), computer: try row.text("computer"),
            timeGenerated: try row.date("time_generated"),
            change: ItemChange(
                type: try row.enumeration(ConfigType.self, "config_change_type"), key: try row.text("item_key"),
                category: try row.enumeration(ChangeCategory.self, "change_category"),
                fieldsChanged: fieldsChanged.isEmpty ? [] : fieldsChanged.components(separatedBy: ", "),
                current: try FieldsCodec.decode(try row.bytesText("current")),
                previous: try FieldsCodec.decode(try row.bytesText("previous"))),
            jobId: try row.optionalText("job_id"))
    }

    public func inventory(machine: String?, type: ConfigType?) async throws -> [InventoryRow] {
        let rows = try await rows(
            """
            SELECT m.name AS computer, d.config_data_type, d.item_key, d.fields,
                COALESCE(s.last_ended_at, d.time_generated) AS time_generated
            FROM configuration_data d JOIN machine m ON m.id = d.machine_id
            LEFT JOIN machine_scan s ON s.machine_id = d.machine_id
            WHERE (\(machine)::text IS NULL OR m.name = \(machine))
                AND (\(type?.rawValue)::text IS NULL OR d.config_data_type = \(type?.rawValue))
            ORDER BY m.name, d.config_data_type, d.item_key
            """)
        return readable(rows, table: "configuration_data", key: "item_key") { row in
            InventoryRow(
                computer: try row.text("computer"), timeGenerated: try row.date("time_generated"),
                item: InventoryItem(
                    type: try row.enumeration(ConfigType.self, "config_data_type"), key: try row.text("item_key"),
                    fields: try FieldsCodec.decode(try row.bytesText("fields"))))
        }
    }
}
