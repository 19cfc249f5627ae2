import Automation
import Foundation
import PostgresNIO

/// `runbook store check` on PostgreSQL: the catalog and the constraints, as SQLite's
/// integrity_check is for a file. Each problem is one line saying what and where.
extension PostgresStore {
    public func check() async throws -> [String] {
        var problems: [String] = []
        let applied = Set(try await appliedMigrations())
        let known = Set(PostgresMigrations.names)
        for name in PostgresMigrations.names where !applied.contains(name) {
            problems.append("migration '\(name)' is not applied; run 'runbook store migrate'")
        }
        for name in applied.subtracting(known).sorted() {
            problems.append("migration '\(name)' was applied by a newer version of runbook than this one")
        }
        let tables = Set(
            try await rows(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()"
            ).map { try $0.decode(String.self) })
        for table in PostgresSchema.tables where !tables.contains(table) {
            problems.append("table '\(table)' is missing from schema \(location.schema ?? "public")")
        }
        // A constraint added NOT VALID, or left unvalidated, does not hold for older rows.
        for row in try await rows(
            """
            SELECT c.conname::text, t.relname::text FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() AND NOT c.convalidated
            """)
        {
            let (constraint, table) = try row.decode((String, String).self)
            problems.append("constraint '\(constraint)' on table '\(table)' is not validated")
        }
        for row in try await rows(
            """
            SELECT i.relname::text FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_namespace n ON n.oid = i.relnamespace
            WHERE n.nspname = current_schema() AND NOT (x.indisvalid AND x.indisready)
            """)
        {
            problems.append("index '\(try row.decode(String.self))' is not valid (an interrupted CREATE INDEX?)")
        }
        // Every table the store reads has its expected keys and checks (a hand-dropped
        // constraint shows here).
        let expected: [(table: String, kinds: String)] = [
            ("account", "cfpu"), ("workspace", "pu"), ("job", "cfp"), ("node", "cp"), ("job_status", "cfp"),
            ("job_stream", "cfp"),
            ("runbook", "cp"), ("schedule", "pu"), ("schedule_fire", "cp"), ("token", "cpu"),
            ("gateway", "cpu"), ("machine", "cpu"), ("machine_solution", "cfp"), ("tracking_scope", "cfp"),
            ("tracking_settings", "cfp"), ("configuration_data", "cfp"), ("configuration_change", "cp"),
            ("machine_scan", "cfp"), ("file_index", "cfp"), ("heartbeat", "cp"),
        ]
        let kinds = try await rows(
            """
            SELECT t.relname::text, string_agg(DISTINCT c.contype::text, '' ORDER BY c.contype::text)
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = current_schema() AND c.contype IN ('c', 'f', 'p', 'u')
            GROUP BY t.relname
            """
        ).reduce(into: [String: String]()) { result, row in
            let (table, kinds) = try row.decode((String, String).self)
            result[table] = kinds
        }
        let names = ["c": "CHECK", "f": "FOREIGN KEY", "p": "PRIMARY KEY", "u": "UNIQUE"]
        for (table, wanted) in expected where tables.contains(table) {
            let present = kinds[table] ?? ""
            for kind in wanted where !present.contains(kind) {
                problems.append("table '\(table)' has lost its \(names[String(kind)] ?? String(kind)) constraint")
            }
        }
        return problems
    }
}
