import Automation
import Foundation
import GRDB

extension AutomationStore {
    /// Creates a schedule, or replaces one of the same name with `replace`.
    public func saveSchedule(_ schedule: Schedule, replace: Bool = false, at now: Date) throws {
        try writer.write { db in try Self.save(schedule, replace: replace, db: db, at: now) }
    }

    static func save(_ schedule: Schedule, replace: Bool, db: Database, at now: Date) throws {
        let definition = try JSONColumn.encode(schedule)
        if try Int64.fetchOne(db, sql: "SELECT id FROM schedule WHERE name = ?", arguments: [schedule.name]) != nil {
            guard replace else { throw StoreError.alreadyExists(kind: "schedule", name: schedule.name) }
            try db.execute(
                sql: "UPDATE schedule SET definition = ?, enabled = ?, updatedAt = ? WHERE name = ?",
                arguments: [definition, schedule.enabled, now, schedule.name])
        } else {
            try db.execute(
                sql: "INSERT INTO schedule (name, definition, enabled, createdAt, updatedAt) VALUES (?, ?, ?, ?, ?)",
                arguments: [schedule.name, definition, schedule.enabled, now, now])
        }
    }

    public func schedule(named name: String) throws -> Schedule? {
        try writer.read { db in try self.schedule(db, named: name) }
    }

    func schedule(_ db: Database, named name: String) throws -> Schedule? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT name, definition FROM schedule WHERE name = ?", arguments: [name])
        else { return nil }
        do {
            return try ScheduleDefinition.decode(StoredRow(row).text("definition"))
        } catch {
            throw StoreError.unreadable(Self.unreadable(row, table: "schedule", key: "name", error))
        }
    }

    public func schedules() throws -> [Schedule] {
        try writer.read { db in try self.schedules(db) }
    }

    func schedules(_ db: Database) throws -> [Schedule] {
        readable(
            try Row.fetchAll(db, sql: "SELECT name, definition FROM schedule ORDER BY name"), table: "schedule",
            key: "name"
        ) { try ScheduleDefinition.decode(StoredRow($0).text("definition")) }
    }

    public func scheduleNames() throws -> [String] {
        try writer.read(Self.scheduleNames)
    }

    static func scheduleNames(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM schedule ORDER BY name")
    }

    /// Turns a schedule on or off; false when there is no such schedule.
    public func setScheduleEnabled(_ name: String, _ enabled: Bool, at now: Date) throws -> Bool {
        try writer.write { db in try Self.setScheduleEnabled(db, name, enabled, at: now) }
    }

    static func setScheduleEnabled(_ db: Database, _ name: String, _ enabled: Bool, at now: Date) throws -> Bool {
        guard
            let text = try String.fetchOne(
                db, sql: "SELECT definition FROM schedule WHERE name = ?", arguments: [name])
        else { return false }
        var schedule = try ScheduleDefinition.decode(text)
        schedule.enabled = enabled
        try Self.save(schedule, replace: true, db: db, at: now)
        return true
    }

    public func deleteSchedule(named name: String) throws -> Bool {
        try writer.write { db in try Self.deleteSchedule(db, named: name) }
    }

    static func deleteSchedule(_ db: Database, named name: String) throws -> Bool {
        try db.execute(sql: "DELETE FROM schedule WHERE name = ?", arguments: [name])
        return db.changesCount > 0
    }
}
