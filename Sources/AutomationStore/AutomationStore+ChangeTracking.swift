import Automation
import Foundation
import GRDB

extension AutomationStore {
    /// The account's current settings and their version (0: never configured, Azure's initial settings).
    public func trackingSettings(account: String) throws -> (settings: TrackingSettings, version: Int, changedAt: Date?)
    {
        try writer.read { db in
            let accountId = try Self.accountId(account, db: db)
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: "SELECT version, changedAt, settings FROM trackingSettings WHERE accountId = ? "
                        + "ORDER BY version DESC LIMIT 1", arguments: [accountId])
            else { return (TrackingSettings.initial, 0, nil) }
            do {
                let stored = StoredRow(row)
                return (
                    try stored.json(TrackingSettings.self, "settings"), try stored.integer("version"),
                    try stored.optionalDate("changedAt")
                )
            } catch {
                throw StoreError.unreadable(Self.unreadable(row, table: "trackingSettings", key: "version", error))
            }
        }
    }

    /// Stores a new settings version; returns its number. With `basedOn`, only when the current
    /// version is still that one: nil when another was saved meanwhile (nothing stored).
    @discardableResult
    public func saveTrackingSettings(
        _ settings: TrackingSettings, account: String, basedOn expected: Int? = nil, jobId: String?, at now: Date
    ) throws -> Int? {
        try writer.write { db in
            let accountId = try Self.accountId(account, db: db)
            let version =
                try Int.fetchOne(
                    db, sql: "SELECT COALESCE(MAX(version), 0) FROM trackingSettings WHERE accountId = ?",
                    arguments: [accountId]) ?? 0
            if let expected, expected != version { return nil }
            try db.execute(
                sql:
                    "INSERT INTO trackingSettings (accountId, version, changedAt, settings, jobId) VALUES (?, ?, ?, ?, ?)",
                arguments: [accountId, version + 1, now, try JSONColumn.encode(settings), jobId])
            return version + 1
        }
    }

    /// A machine's stored snapshot, sorted by (type, key).
    public func snapshot(machine: String) throws -> [InventoryItem] {
        try writer.read { db in
            let machineId = try Self.machineId(machine, db: db)
            return try Row.fetchAll(
                db,
                sql: "SELECT configDataType, itemKey, fields FROM configurationData WHERE machineId = ? "
                    + "ORDER BY configDataType, itemKey", arguments: [machineId]
            ).map(Self.snapshotItem)
        }
    }

    public func lastScan(machine: String) throws -> ScanMark? {
        try writer.read { db in
            let machineId = try Self.machineId(machine, db: db)
            return try Row.fetchOne(
                db, sql: "SELECT lastStartedAt, lastEndedAt, scans FROM machineScan WHERE machineId = ?",
                arguments: [machineId]
            ).map { ScanMark(startedAt: $0["lastStartedAt"], endedAt: $0["lastEndedAt"], scans: $0["scans"]) }
        }
    }

    public func fileIndex(machine: String) throws -> FileIndex {
        try writer.read { db in
            let machineId = try Self.machineId(machine, db: db)
            guard
                let data = try Data.fetchOne(
                    db, sql: "SELECT entries FROM fileIndex WHERE machineId = ?", arguments: [machineId])
            else { return [:] }
            return try FileIndexCodec.decode(data)
        }
    }

    /// Keys of a machine's stored file items, without their fields.
    public func fileKeys(machine: String) throws -> Set<String> {
        try writer.read { db in
            let machineId = try Self.machineId(machine, db: db)
            return Set(
                try String.fetchAll(
                    db, sql: "SELECT itemKey FROM configurationData WHERE machineId = ? AND configDataType = 'Files'",
                    arguments: [machineId]))
        }
    }

    public func fileCount(machine: String) throws -> Int {
        try writer.read { db in
            let machineId = try Self.machineId(machine, db: db)
            return try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM configurationData WHERE machineId = ? AND configDataType = 'Files'",
                arguments: [machineId]) ?? 0
        }
    }

    /// Stored items except files, plus the file items named in `files`, sorted by (type, key).
    public func snapshot(machine: String, files: Set<String>) throws -> [InventoryItem] {
        try writer.read { db in
            let machineId = try Self.machineId(machine, db: db)
            var items = try Row.fetchAll(
                db,
                sql: "SELECT configDataType, itemKey, fields FROM configurationData "
                    + "WHERE machineId = ? AND configDataType != 'Files'", arguments: [machineId]
            ).map(Self.snapshotItem)
            let lookup = try db.makeStatement(
                sql:
                    "SELECT fields FROM configurationData WHERE machineId = ? AND configDataType = 'Files' AND itemKey = ?"
            )
            for key in files {
                if let fields = try String.fetchOne(lookup, arguments: [machineId, key]) {
                    items.append(InventoryItem(type: .files, key: key, fields: try FieldsCodec.decode(fields)))
                }
            }
            return items.sorted(by: InventoryItem.ordered)
        }
    }

    /// Records one scan of a machine in one transaction: the snapshot rows that changed, the
    /// change records, the new file index (nil: unchanged) and the scan mark. A scan that dies
    /// before this commits leaves the previous snapshot intact. Writing only what changed keeps
    /// a rescan of an unchanged machine nearly free. A scan of a job that is no longer Running
    /// (stopped, or recovered from a stuck process and ended) commits nothing: `.stopped`.
    ///
    /// `expectedScans`: the machine's scan count when the changes were computed (0: never
    /// scanned). When another scan of the machine committed since, nothing is written and the
    /// answer is `.stale`: the caller diffs again against what that scan stored, so
    /// overlapping scans record each change once. `proceed` is asked inside the transaction,
    /// before and after the writes: false (the scan was stopped) rolls everything back.
    @discardableResult
    public func commitScan(
        machine: String, changes: [ItemChange], recordChanges: Bool, fileIndex: FileIndex?,
        startedAt: Date, endedAt: Date, jobId: String?, expectedScans: Int? = nil,
        agentSequence: AgentSequenceStep? = nil, leaseNode: String? = nil,
        proceed: @escaping @Sendable () -> Bool = { true }
    ) throws -> ScanCommit {
        do {
            return try writer.write { db in
                let machineId = try Self.machineId(machine, db: db)
                if let expectedScans {
                    let scans =
                        try Int.fetchOne(
                            db, sql: "SELECT scans FROM machineScan WHERE machineId = ?", arguments: [machineId]) ?? 0
                    guard scans == expectedScans else { return .stale }
                }
                if let step = agentSequence {
                    try db.execute(
                        sql: """
                            UPDATE agent SET lastSequence = ?2
                            WHERE machineId = ?1 AND lastSequence = ?3 AND ?2 > ?3 AND credentialId = ?4
                                AND revokedAt IS NULL
                            """, arguments: [machineId, step.next, step.previous, step.credentialId])
                    guard db.changesCount == 1 else { return .stale }
                }
                // The fence: a job that ended meanwhile (recovered from a stuck process), or that
                // another node or worker holds now, records nothing.
                if let jobId,
                    let row = try Row.fetchOne(
                        db, sql: "SELECT status, leaseNode FROM job WHERE id = ?", arguments: [jobId])
                {
                    let status: String = row["status"]
                    let holder: String? = row["leaseNode"]
                    if !JobStatus.scanMayCommit(status) || (leaseNode != nil && holder != leaseNode) {
                        throw ScanStopped()
                    }
                }
                guard proceed() else { throw ScanStopped() }
                try Self.writeScan(
                    db, machineId: machineId, machine: machine, changes: changes, recordChanges: recordChanges,
                    fileIndex: fileIndex, startedAt: startedAt, endedAt: endedAt, jobId: jobId)
                guard proceed() else { throw ScanStopped() }
                return .committed
            }
        } catch is ScanStopped {
            return .stopped
        }
    }

    /// Thrown inside the commit transaction to roll it back when the scan was stopped.
    private struct ScanStopped: Error {}

    private static func writeScan(
        _ db: Database, machineId: Int64, machine: String, changes: [ItemChange], recordChanges: Bool,
        fileIndex: FileIndex?, startedAt: Date, endedAt: Date, jobId: String?
    ) throws {
        // A baseline writes tens of megabytes: with SQLite's 2 MB page cache the transaction
        // spills pages to the WAL and writes them again; with room for them, each is written once.
        try db.execute(sql: "PRAGMA cache_size = -65536")
        defer { try? db.execute(sql: "PRAGMA cache_size = -2000") }
        let upsertItem = try BoundStatement(
            db,
            sql: "INSERT OR REPLACE INTO configurationData (machineId, configDataType, itemKey, fields, timeGenerated) "
                + "VALUES (?, ?, ?, ?, ?)")
        let deleteItem = try BoundStatement(
            db, sql: "DELETE FROM configurationData WHERE machineId = ? AND configDataType = ? AND itemKey = ?")
        let ended = BoundValue.date(endedAt)
        for change in changes {
            if change.category == .removed {
                try deleteItem.execute(.integer(machineId), .text(change.type.rawValue), .text(change.key))
            } else {
                try upsertItem.execute(
                    .integer(machineId), .text(change.type.rawValue), .text(change.key),
                    .text(try FieldsCodec.encode(change.current)), ended)
            }
        }
        if recordChanges {
            let insertChange = try BoundStatement(
                db,
                sql: "INSERT INTO configurationChange (computer, timeGenerated, configChangeType, changeCategory, "
                    + "itemKey, fieldsChanged, current, previous, svcChangeType, jobId) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            for change in changes {
                try insertChange.execute(
                    .text(machine), ended, .text(change.type.rawValue), .text(change.category.rawValue),
                    .text(change.key), .text(change.fieldsChanged.joined(separator: ", ")),
                    .text(try FieldsCodec.encode(change.current)), .text(try FieldsCodec.encode(change.previous)),
                    .optional(change.svcChangeType), .optional(jobId))
            }
        }
        if let fileIndex {
            try db.execute(
                sql: "INSERT OR REPLACE INTO fileIndex (machineId, entries, count) VALUES (?, ?, ?)",
                arguments: [machineId, FileIndexCodec.encode(fileIndex), fileIndex.count])
        }
        try db.execute(
            sql: """
                INSERT INTO machineScan (machineId, lastStartedAt, lastEndedAt, scans) VALUES (?, ?, ?, 1)
                ON CONFLICT(machineId) DO UPDATE SET lastStartedAt = excluded.lastStartedAt,
                    lastEndedAt = excluded.lastEndedAt, scans = scans + 1
                """, arguments: [machineId, startedAt, endedAt])
        try recordHeartbeat(db, machineId: machineId, at: endedAt)
    }

    /// `ConfigurationChange` rows, newest first.
    public func changes(_ filter: ChangeFilter) throws -> [ChangeRow] {
        let rows = try writer.read { db in
            var (clauses, arguments) = Self.changeClauses(
                ChangePageQuery(
                    machine: filter.machine, type: filter.type, category: filter.category, since: filter.since))
            if let jobId = filter.jobId {
                clauses.append("jobId = ?")
                arguments.append(jobId)
            }
            var sql = "SELECT * FROM configurationChange"
            if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
            sql += " ORDER BY timeGenerated DESC, id DESC"
            if let limit = filter.limit { sql += " LIMIT \(limit)" }
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        }
        return readable(rows, table: "configurationChange", key: "id", Self.changeRow)
    }

    /// `ConfigurationData` rows for one machine or all, sorted by computer, type and key.
    public func inventory(machine: String? = nil, type: ConfigType? = nil) throws -> [InventoryRow] {
        let rows = try writer.read { db in
            var sql = """
                SELECT machine.name AS computer, configDataType, itemKey, fields,
                    COALESCE(machineScan.lastEndedAt, configurationData.timeGenerated) AS timeGenerated
                FROM configurationData JOIN machine ON machine.id = configurationData.machineId
                LEFT JOIN machineScan ON machineScan.machineId = configurationData.machineId
                """
            var clauses: [String] = []
            var arguments: [any DatabaseValueConvertible] = []
            if let machine {
                clauses.append("machine.name = ?")
                arguments.append(machine)
            }
            if let type {
                clauses.append("configDataType = ?")
                arguments.append(type.rawValue)
            }
            if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
            sql += " ORDER BY machine.name, configDataType, itemKey"
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        }
        return readable(rows, table: "configurationData", key: "itemKey") { row in
            let stored = StoredRow(row)
            return InventoryRow(
                computer: try stored.text("computer"), timeGenerated: try stored.date("timeGenerated"),
                item: InventoryItem(
                    type: try stored.enumeration(ConfigType.self, "configDataType"), key: try stored.text("itemKey"),
                    fields: try FieldsCodec.decode(try stored.text("fields"))))
        }
    }

    /// One stored inventory row of a snapshot. A scan diffs against the snapshot, so a row that
    /// cannot be read fails the scan (naming the row) instead of being skipped: skipping it would
    /// record its item as Added.
    static func snapshotItem(_ row: Row) throws -> InventoryItem {
        do {
            let stored = StoredRow(row)
            return InventoryItem(
                type: try stored.enumeration(ConfigType.self, "configDataType"), key: try stored.text("itemKey"),
                fields: try FieldsCodec.decode(try stored.text("fields")))
        } catch {
            throw StoreError.unreadable(unreadable(row, table: "configurationData", key: "itemKey", error))
        }
    }
}
