import Automation
import GRDB

/// Named migrations; a landed migration is never edited, only followed by a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try createAccounts(db)
            try createMachines(db)
            try createJobs(db)
        }
        migrator.registerMigration("v2-change-tracking") { db in
            try createChangeTracking(db)
        }
        migrator.registerMigration("v3-schedules") { db in
            try db.create(table: "schedule") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique()
                // The whole definition (recurrence, policies, links) as JSON: one row per schedule.
                t.column("definition", .jsonText).notNull()
                t.column("enabled", .boolean).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
        }
        migrator.registerMigration("v4-scheduler") { db in
            // One row per (schedule, fire time): the key that makes a fire happen exactly once,
            // however many schedulers share the store.
            try db.create(table: "scheduleFire") { t in
                t.column("scheduleName", .text).notNull()
                t.column("fireTime", .datetime).notNull()
                t.column("status", .text).notNull()
                    .check(sql: "status IN ('started', 'missed', 'skipped', 'queued', 'failed')")
                t.column("jobId", .text)
                t.column("reason", .text)
                t.column("recordedAt", .datetime).notNull()
                t.primaryKey(["scheduleName", "fireTime"])
            }
            try db.create(table: "schedulerCheckpoint") { t in
                t.primaryKey("scheduleName", .text)
                t.column("checkpoint", .datetime).notNull()
            }
        }
        migrator.registerMigration("v5-job-owner") { db in
            // Which process runs a job, so a job whose process died can be told from a running one.
            try db.alter(table: "job") { t in
                t.add(column: "ownerPid", .integer)
                t.add(column: "ownerHost", .text)
            }
        }
        migrator.registerMigration("v6-stop-requests") { db in
            // Set by `runbook jobs stop` in any process; the process running the job polls it.
            try db.alter(table: "job") { t in t.add(column: "stopRequestedAt", .datetime) }
        }
        migrator.registerMigration("v7-suspend") { db in
            // `runbook jobs suspend` sets suspendRequestedAt; the runner suspends at the next step
            // boundary. checkpointStep is the step running now, or the one a resume starts from.
            try db.alter(table: "job") { t in
                t.add(column: "suspendRequestedAt", .datetime)
                t.add(column: "checkpointStep", .integer)
            }
        }
        migrator.registerMigration("v8-jobs-by-starter") { db in
            // `jobs list --schedule NAME` and `schedule show` read one schedule's newest jobs.
            try db.create(index: "job_startedBy_createdAt", on: "job", columns: ["startedBy", "createdAt"])
        }
        migrator.registerMigration("v9-runbook-resources") { db in
            // Runbooks as account resources (Azure's draft and published versions): jobs and
            // schedules run the published content, whichever folder a process starts in.
            try db.create(table: "runbook") { t in
                t.primaryKey("name", .text)
                t.column("runbookType", .text).notNull()
                t.column("description", .text).notNull()
                t.column("logVerbose", .boolean).notNull()
                t.column("logProgress", .boolean).notNull()
                t.column("draftContent", .blob)
                t.column("draftDigest", .text)
                t.column("draftUpdatedAt", .datetime)
                t.column("publishedContent", .blob)
                t.column("publishedDigest", .text)
                t.column("publishedAt", .datetime)
                t.column("publishedFrom", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                // Bumped by every change: Azure's etag, and the optimistic check of concurrent writers.
                t.column("version", .integer).notNull()
                t.check(sql: "(draftContent IS NULL) = (draftDigest IS NULL)")
                t.check(sql: "(publishedContent IS NULL) = (publishedDigest IS NULL)")
            }
            // Which version a job ran: `published`, or the file an author ran it from.
            try db.alter(table: "job") { t in t.add(column: "runbookSource", .text) }
        }
        migrator.registerMigration("v10-tokens") { db in
            // Bearer tokens of the HTTP API: the secret itself is never stored, only its SHA-256.
            try db.create(table: "token") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull().unique()
                t.column("secretHash", .text).notNull().check(sql: "length(secretHash) = 64")
                t.column("role", .text).notNull().check(sql: "role IN ('reader', 'contributor')")
                t.column("createdAt", .datetime).notNull()
                t.column("expiresAt", .datetime)
                t.column("revokedAt", .datetime)
                t.column("lastUsedAt", .datetime)
            }
        }
        migrator.registerMigration("v11-heartbeat") { db in
            // Log Analytics' Heartbeat: one row per machine per scan, recording what the machine
            // reported then (its OS, route and enabled solutions), as an agent's heartbeat does.
            try db.create(table: "heartbeat") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("computer", .text).notNull()
                t.column("timeGenerated", .datetime).notNull()
                t.column("osType", .text).notNull().check(sql: "osType IN ('Windows', 'Linux')")
                t.column("osName", .text).notNull()
                t.column("solutions", .text).notNull()
                t.column("subscription", .text).notNull()
                t.column("resourceGroup", .text).notNull()
                t.column("location", .text).notNull()
                t.column("route", .text).notNull()
                t.column("sourceKind", .text).notNull()
                t.column("machineId", .integer).notNull()
            }
            try db.create(index: "heartbeat_time", on: "heartbeat", columns: ["timeGenerated"])
            try db.create(index: "heartbeat_computer_time", on: "heartbeat", columns: ["computer", "timeGenerated"])
        }
        migrator.registerMigration("v12-nodes") { db in
            // Nodes (scheduler and serve processes) and the lease each holds on a job it runs
            // (docs/ARCHITECTURE.md, "Nodes"): a job whose node stops heartbeating is recovered after it.
            try db.create(table: "node") { t in
                t.primaryKey("id", .text)
                t.column("host", .text).notNull()
                t.column("pid", .integer).notNull()
                t.column("startedAt", .datetime).notNull()
                t.column("heartbeatAt", .datetime).notNull()
            }
            try db.alter(table: "job") { t in
                t.add(column: "leaseNode", .text).references("node")
                t.add(column: "leaseExpiresAt", .datetime)
            }
            try db.create(index: "job_lease", on: "job", columns: ["leaseNode", "leaseExpiresAt"])
        }
        migrator.registerMigration("v13-node-stop") { db in
            // A clean stop frees the node's id at once; the lease tells a stale node from a live one.
            try db.alter(table: "node") { t in
                t.add(column: "stoppedAt", .datetime)
                t.add(column: "leaseSeconds", .double).notNull().defaults(to: 30)
            }
        }
        migrator.registerMigration("v14-job-restarts") { db in
            // A job cut off by its process dying goes back to New up to restartLimit times; a wait
            // suspended in its middle keeps the seconds it has left.
            try db.alter(table: "job") { t in
                t.add(column: "restarts", .integer).notNull().defaults(to: 0)
                t.add(column: "restartLimit", .integer).notNull().defaults(to: 3)
                t.add(column: "waitRemaining", .double)
                // Who asked for the pending stop or suspend, in the account's terms.
                t.add(column: "requestedBy", .text)
            }
        }
        migrator.registerMigration("v15-agents") { db in
            // Machines with `runbook agent` on them, and the tokens that enrol them.
            try rebuild(
                db, table: "token",
                replacing: ["role IN ('reader', 'contributor')": "role IN ('reader', 'contributor', 'agent')"])
            try rebuild(
                db, table: "machine",
                replacing: [
                    "sourceKind IN ('local', 'linux-root', 'windows-folder')":
                        "sourceKind IN ('local', 'linux-root', 'windows-folder', 'agent')",
                    "sourceKind = 'local' OR sourcePath IS NOT NULL":
                        "sourceKind IN ('local', 'agent') OR sourcePath IS NOT NULL",
                ])
            try db.create(table: "agent") { t in
                t.column("machineId", .integer).primaryKey().references("machine", onDelete: .cascade)
                t.column("credentialId", .text).notNull().unique()
                // Only the SHA-256 of the agent's secret.
                t.column("secretHash", .text).notNull().check(sql: "length(secretHash) = 64")
                t.column("enrolledAt", .datetime).notNull()
                t.column("version", .text).notNull()
                t.column("route", .text).notNull().check(sql: "route IN ('direct', 'gateway')")
                t.column("address", .text).notNull()
                t.column("lastSeenAt", .datetime)
                t.column("lastSequence", .integer).notNull().defaults(to: 0)
                t.column("droppedBatches", .integer).notNull().defaults(to: 0)
                t.column("revokedAt", .datetime)
            }
        }
        migrator.registerMigration("v16-hybrid-workers") { db in
            // A job for a Hybrid Runbook Worker group waits for a worker of it; nodes skip it.
            try db.alter(table: "job") { t in t.add(column: "runOn", .text) }
            // Agent machines that work for a group: joined by the agent's `--group`.
            try db.create(table: "hybridWorker") { t in
                t.column("groupName", .text).notNull()
                t.column("machineId", .integer).notNull().references("machine", onDelete: .cascade)
                t.column("registeredAt", .datetime).notNull()
                t.column("lastSeenAt", .datetime).notNull()
                t.column("concurrency", .integer).notNull().defaults(to: 4)
                t.primaryKey(["groupName", "machineId"])
            }
        }
        migrator.registerMigration("v17-jobs-waiting-for-a-group") { db in
            // A waiting worker's poll looks for its groups' jobs every 250 ms: only jobs for a
            // group are in this index, not the whole history.
            try db.execute(
                sql: """
                    CREATE INDEX jobWaitingForGroup ON job (runOn, createdAt, id)
                    WHERE runOn IS NOT NULL AND leaseNode IS NULL
                    """)
        }
        return migrator
    }

    /// Changes CHECK constraints of a table the way SQLite allows: a new table from the stored
    /// definition with the texts replaced, the rows copied, the old table dropped and the new
    /// one renamed, its indexes made again (foreign keys are checked once the migration ends).
    private static func rebuild(_ db: Database, table: String, replacing: [String: String]) throws {
        guard
            var definition = try String.fetchOne(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table])
        else { throw StoreError.invalid("migration: no table \(table)") }
        for (old, new) in replacing {
            guard definition.contains(old) else { throw StoreError.invalid("migration: \(table) has no '\(old)'") }
            definition = definition.replacingOccurrences(of: old, with: new)
        }
        let indexes = try String.fetchAll(
            db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            arguments: [table])
        let rebuilt = table + "_rebuilt"
        definition = definition.replacingOccurrences(
            of: "CREATE TABLE \"\(table)\"", with: "CREATE TABLE \"\(rebuilt)\"")
        try db.execute(sql: definition)
        try db.execute(sql: "INSERT INTO \"\(rebuilt)\" SELECT * FROM \"\(table)\"")
        try db.execute(sql: "DROP TABLE \"\(table)\"")
        try db.execute(sql: "ALTER TABLE \"\(rebuilt)\" RENAME TO \"\(table)\"")
        for index in indexes { try db.execute(sql: index) }
    }

    private static func createChangeTracking(_ db: Database) throws {
        let types = "'Files', 'Software', 'WindowsServices', 'Registry', 'Daemons'"
        try db.create(table: "trackingSettings") { t in
            t.column("accountId", .integer).notNull().references("account", onDelete: .cascade)
            t.column("version", .integer).notNull()
            t.column("changedAt", .datetime).notNull()
            t.column("settings", .jsonText).notNull()
            t.column("jobId", .text)
            t.primaryKey(["accountId", "version"])
        }
        // Current inventory: a machine's latest snapshot, replaced whole by each scan.
        try db.create(table: "configurationData", options: [.withoutRowID]) { t in
            t.column("machineId", .integer).notNull().references("machine", onDelete: .cascade)
            t.column("configDataType", .text).notNull().check(sql: "configDataType IN (\(types))")
            t.column("itemKey", .text).notNull()
            // FieldsCodec text (JSON only when a value holds a separator).
            t.column("fields", .text).notNull()
            t.column("timeGenerated", .datetime).notNull()
            t.primaryKey(["machineId", "configDataType", "itemKey"])
        }
        // Change history outlives the machine: it names the computer, not the machine row.
        try db.create(table: "configurationChange") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("computer", .text).notNull()
            t.column("timeGenerated", .datetime).notNull()
            t.column("configChangeType", .text).notNull().check(sql: "configChangeType IN (\(types))")
            t.column("changeCategory", .text).notNull().check(sql: "changeCategory IN ('Added', 'Removed', 'Modified')")
            t.column("itemKey", .text).notNull()
            t.column("fieldsChanged", .text).notNull()
            t.column("current", .text).notNull()
            t.column("previous", .text).notNull()
            t.column("svcChangeType", .text)
            t.column("jobId", .text)
        }
        try db.create(index: "change_time", on: "configurationChange", columns: ["timeGenerated"])
        try db.create(index: "change_computer_time", on: "configurationChange", columns: ["computer", "timeGenerated"])
        try db.create(
            index: "change_type_time", on: "configurationChange", columns: ["configChangeType", "timeGenerated"])
        try db.create(index: "change_job", on: "configurationChange", columns: ["jobId"])
        try db.create(table: "machineScan") { t in
            t.primaryKey("machineId", .integer).references("machine", onDelete: .cascade)
            t.column("lastStartedAt", .datetime).notNull()
            t.column("lastEndedAt", .datetime).notNull()
            t.column("scans", .integer).notNull()
        }
        // Per-file stat index: an unchanged file is never hashed again. One packed blob per
        // machine (FileIndexCodec), read and written whole, as git keeps one index file.
        try db.create(table: "fileIndex") { t in
            t.primaryKey("machineId", .integer).references("machine", onDelete: .cascade)
            t.column("entries", .blob).notNull()
            t.column("count", .integer).notNull()
        }
    }

    private static func createAccounts(_ db: Database) throws {
        try db.create(table: "workspace") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("name", .text).notNull().unique()
            t.column("subscription", .text).notNull()
            t.column("resourceGroup", .text).notNull()
            t.column("region", .text).notNull()
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "account") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("name", .text).notNull().unique()
            t.column("subscription", .text).notNull()
            t.column("resourceGroup", .text).notNull()
            t.column("region", .text).notNull()
            t.column("workspaceId", .integer).notNull().references("workspace", onDelete: .restrict)
            t.column("profile", .text).notNull().check(sql: "profile IN ('azure', 'extended')")
            t.column("isDefault", .boolean).notNull().defaults(to: false)
            t.column("createdAt", .datetime).notNull()
        }
        // At most one default account.
        try db.execute(sql: "CREATE UNIQUE INDEX account_single_default ON account(isDefault) WHERE isDefault = 1")
    }

    private static func createMachines(_ db: Database) throws {
        try db.create(table: "gateway") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("name", .text).notNull().unique()
            t.column("rules", .jsonText).notNull()
        }
        try db.create(table: "machine") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("name", .text).notNull().unique()
            t.column("os", .text).notNull()
            t.column("family", .text).notNull().check(sql: "family IN ('windows', 'linux')")
            t.column("subscription", .text).notNull()
            t.column("resourceGroup", .text).notNull()
            t.column("location", .text).notNull()
            t.column("tags", .jsonText).notNull()
            t.column("route", .text).notNull().check(sql: "route IN ('direct', 'gateway')")
            t.column("gateway", .text)
            t.column("operationsManager", .text)
            t.column("rules", .jsonText).notNull()
            t.column("sourceKind", .text).notNull().check(
                sql: "sourceKind IN ('local', 'linux-root', 'windows-folder')")
            t.column("sourcePath", .text)
            t.column("registeredAt", .datetime).notNull()
            t.check(sql: "route = 'direct' OR gateway IS NOT NULL")
            t.check(sql: "sourceKind = 'local' OR sourcePath IS NOT NULL")
        }
        try db.create(table: "machineSolution") { t in
            t.column("machineId", .integer).notNull().references("machine", onDelete: .cascade)
            t.column("solution", .text).notNull().check(sql: "solution IN ('ChangeTracking', 'Inventory')")
            t.column("accountId", .integer).notNull().references("account", onDelete: .cascade)
            t.column("enabledAt", .datetime).notNull()
            t.column("jobId", .text)
            t.primaryKey(["machineId", "solution"])
        }
        try db.create(table: "trackingScope") { t in
            t.column("accountId", .integer).notNull().references("account", onDelete: .cascade)
            t.column("solution", .text).notNull().check(sql: "solution IN ('ChangeTracking', 'Inventory')")
            t.column("filter", .jsonText).notNull()
            t.column("createdAt", .datetime).notNull()
            t.primaryKey(["accountId", "solution"])
        }
    }

    private static func createJobs(_ db: Database) throws {
        let statuses = JobStatusSQL.list
        try db.create(table: "job") { t in
            t.primaryKey("id", .text)
            t.column("runbookName", .text).notNull()
            t.column("runbookDigest", .text).notNull().check(sql: "length(runbookDigest) = 64")
            t.column("runbookContent", .text).notNull()
            t.column("parameters", .jsonText).notNull()
            t.column("startReason", .text).notNull().check(sql: "startReason IN ('manual', 'schedule', 'parent')")
            t.column("startedBy", .text)
            t.column("accountName", .text)
            t.column("targets", .jsonText).notNull().defaults(to: "[]")
            t.column("status", .text).notNull().check(sql: "status IN (\(statuses))")
            t.column("createdAt", .datetime).notNull()
            t.column("startedAt", .datetime)
            t.column("endedAt", .datetime)
            t.column("exception", .text)
            t.column("logVerbose", .boolean).notNull()
            t.column("logProgress", .boolean).notNull()
        }
        try db.create(index: "job_createdAt", on: "job", columns: ["createdAt"])
        try db.create(index: "job_runbook_createdAt", on: "job", columns: ["runbookName", "createdAt"])
        try db.create(index: "job_status_createdAt", on: "job", columns: ["status", "createdAt"])
        try db.create(table: "jobStatus") { t in
            t.column("jobId", .text).notNull().references("job", onDelete: .cascade)
            t.column("seq", .integer).notNull()
            t.column("status", .text).notNull().check(sql: "status IN (\(statuses))")
            t.column("at", .datetime).notNull()
            t.primaryKey(["jobId", "seq"])
        }
        try db.create(table: "jobStream") { t in
            t.column("jobId", .text).notNull().references("job", onDelete: .cascade)
            t.column("seq", .integer).notNull()
            t.column("stream", .text).notNull()
                .check(sql: "stream IN ('Output', 'Warning', 'Error', 'Verbose', 'Progress', 'Debug')")
            t.column("at", .datetime).notNull()
            t.column("message", .text).notNull()
            t.primaryKey(["jobId", "seq"])
        }
    }
}

enum JobStatusSQL {
    static let list = [
        "New", "Activating", "Running", "Completed", "Failed", "Stopped", "Stopping", "Suspended", "Suspending",
        "Resuming", "Blocked", "Disconnected",
    ].map { "'\($0)'" }.joined(separator: ", ")
}
