import Foundation
import GRDB

/// The store: accounts, machines, tracking state and job history, in SQLite.
public final class AutomationStore: Sendable {
    let writer: any DatabaseWriter
    let scheduleCache = ScheduleCache()

    /// The file name inside a store folder.
    public static let fileName = "automation.sqlite"

    /// Wraps an open database and brings its schema up to date.
    public init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Migrations.migrator.migrate(writer)
    }

    /// Opens (creating if needed) `FOLDER/automation.sqlite` in WAL mode, with a busy timeout
    /// so that several processes can share it.
    public static func open(folder: String) throws -> AutomationStore {
        let path = (folder as NSString).appendingPathComponent(fileName)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.foreignKeysEnabled = true
            let pool = try DatabasePool(path: path, configuration: configuration)
            return try AutomationStore(writer: pool)
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.message ?? error.description)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// An in-memory store, for tests.
    public static func inMemory() throws -> AutomationStore {
        try AutomationStore(writer: DatabaseQueue())
    }

    /// Runs SQLite's own consistency check; returns "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}
