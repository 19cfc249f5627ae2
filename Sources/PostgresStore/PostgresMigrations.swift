import Automation
import Foundation
import PostgresNIO

/// Named migrations; a landed migration is never edited, only followed by a new one. Applied
/// names are rows of `schema_migrations`. Migrating holds a session advisory lock keyed by the
/// store's schema, so nodes that start together migrate once: the first applies, the others
/// wait for the lock and then find nothing left to do.
enum PostgresMigrations {
    static let all: [(name: String, statements: [String])] = [
        (
            "v1-accounts-jobs-runbooks-schedules-tokens",
            PostgresSchema.accounts + PostgresSchema.jobs + PostgresSchema.runbooks + PostgresSchema.schedules
                + PostgresSchema.tokens
        ),
        ("v2-nodes-and-leases", PostgresSchema.nodes),
        ("v3-machines-and-change-tracking", PostgresSchema.changeTracking),
        ("v4-node-stop", PostgresSchema.nodeStop),
        ("v5-job-restarts", PostgresSchema.jobRestarts),
        ("v6-agents", PostgresSchema.agents),
        ("v7-hybrid-workers", PostgresSchema.hybridWorkers),
    ]

    static var names: [String] { all.map(\.name) }
}

extension PostgresStore {
    /// What `migrate` did.
    public struct MigrationReport: Sendable, Hashable {
        /// Migrations this call applied, in order (empty: the schema was up to date).
        public var applied: [String]
        /// Every migration the store has now.
        public var current: [String]
    }

    /// Brings the schema up to date (creating the schema named in the URL if needed); safe to
    /// call from several processes at once and again later.
    @discardableResult
    public func migrate() async throws -> MigrationReport {
        let schema = location.schema ?? "public"
        let lockKey = "runbook-migrations:\(schema)"
        do {
            return try await client.withConnection { connection in
                try await connection.query("SELECT pg_advisory_lock(hashtextextended(\(lockKey), 0))", logger: logger)
                do {
                    let report = try await Self.applyMigrations(connection, schema: schema, logger: logger)
                    try await connection.query(
                        "SELECT pg_advisory_unlock(hashtextextended(\(lockKey), 0))", logger: logger)
                    return report
                } catch {
                    // The lock is the session's: a failed migration must not keep it on a pooled connection.
                    _ = try? await connection.query(
                        "SELECT pg_advisory_unlock(hashtextextended(\(lockKey), 0))", logger: logger)
                    throw error
                }
            }
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Whether the schema the URL names holds a store (its migrations table), without creating
    /// anything: commands that only read refuse a database or schema without one.
    func holdsStore() async throws -> Bool {
        do {
            let rows = try await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
            for try await found in rows.decode(Bool.self) { return found }
            return false
        } catch {
            throw Self.storeError(error)
        }
    }

    private static func applyMigrations(_ connection: PostgresConnection, schema: String, logger: Logger)
        async throws -> MigrationReport
    {
        // The schema name is a plain identifier (checked when the URL was parsed).
        try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger)
        try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name text COLLATE "C" PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, logger: logger)
        var done = Set<String>()
        for row in try await connection.query("SELECT name FROM schema_migrations", logger: logger).collect() {
            done.insert(try row.decode(String.self))
        }
        var applied: [String] = []
        for migration in PostgresMigrations.all where !done.contains(migration.name) {
            try await connection.withTransaction(logger: logger) { connection in
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (name) VALUES (\(migration.name))", logger: logger)
            }
            applied.append(migration.name)
        }
        return MigrationReport(
            applied: applied, current: PostgresMigrations.names.filter { done.contains($0) || applied.contains($0) })
    }

    /// Migrations recorded in the store, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        try await rows("SELECT name FROM schema_migrations ORDER BY applied_at, name").map {
            try $0.decode(String.self)
        }
    }
}
