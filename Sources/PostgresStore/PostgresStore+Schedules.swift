import Automation
import Foundation
import PostgresNIO

/// Schedules (definition as JSON, one row each). Create is the unique key's decision; enabling
/// reads the definition under the row's lock (`FOR UPDATE`) and writes it back in one
/// transaction.
extension PostgresStore: ScheduleStoring {
    public func schedules() async throws -> [Schedule] {
        let rows = try await rows("SELECT name, definition::text AS definition FROM schedule ORDER BY name")
        return readable(rows, table: "schedule", key: "name", Self.schedule)
    }

    public func schedule(named name: String) async throws -> Schedule? {
        guard
            let row = try await rows(
                "SELECT name, definition::text AS definition FROM schedule WHERE name = \(name)"
            ).first
        else { return nil }
        return try readOne(row, table: "schedule", key: "name", Self.schedule)
    }

    public func scheduleNames() async throws -> [String] {
        try await rows("SELECT name FROM schedule ORDER BY name").map { try $0.decode(String.self) }
    }

    public func saveSchedule(_ schedule: Schedule, replace: Bool, at now: Date) async throws {
        let definition = try JSONText.encode(schedule)
        let conflict =
            replace
            ? "DO UPDATE SET definition = excluded.definition, enabled = excluded.enabled, updated_at = excluded.updated_at"
            : "DO NOTHING"
        var query: PostgresQuery = """
            INSERT INTO schedule (name, definition, enabled, created_at, updated_at)
            VALUES (\(schedule.name), \(definition)::jsonb, \(schedule.enabled), \(now), \(now))
            ON CONFLICT (name) 
            """
        query.sql += conflict + " RETURNING 1"
        if try await rows(query).isEmpty {
            throw StoreError.alreadyExists(kind: "schedule", name: schedule.name)
        }
    }

    public func setScheduleEnabled(_ name: String, _ enabled: Bool, at now: Date) async throws -> Bool {
        let logger = logger
        return try await transaction { connection in
            guard
                let row = try await connection.rows(
                    "SELECT name, definition::text AS definition FROM schedule WHERE name = \(name) FOR UPDATE",
                    logger: logger
                ).first
            else { return false }
            let columns = StoredColumns(row)
            var schedule: Schedule
            do {
                schedule = try Self.schedule(columns)
            } catch {
                throw StoreError.unreadable(Self.unreadable(columns, table: "schedule", key: "name", error))
            }
            schedule.enabled = enabled
            let definition = try JSONText.encode(schedule)
            try await connection.query(
                """
                UPDATE schedule SET definition = \(definition)::jsonb, enabled = \(enabled), updated_at = \(now)
                WHERE name = \(name)
                """, logger: logger)
            return true
        }
    }

    public func deleteSchedule(named name: String) async throws -> Bool {
        try await !rows("DELETE FROM schedule WHERE name = \(name) RETURNING 1").isEmpty
    }

    static func schedule(_ row: StoredColumns) throws -> Schedule {
        try row.json(Schedule.self, "definition", "a schedule definition this version reads")
    }
}
