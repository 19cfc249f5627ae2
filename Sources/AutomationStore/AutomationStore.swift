import Automation
import Foundation
import GRDB

/// The store: accounts, machines, tracking state and job history, in SQLite.
public final class AutomationStore: Sendable {
    /// Told about each stored row that cannot be read; the row is skipped and the rest works.
    public typealias UnreadableRowReport = @Sendable (UnreadableRow) -> Void

    let writer: any DatabaseWriter
    let scheduleCache = ScheduleCache()
    let reportUnreadable: UnreadableRowReport

    /// The file name inside a store folder.
    public static let fileName = "automation.sqlite"

    /// Wraps an open database and brings its schema up to date. `reportUnreadable` hears of
    /// each row that listings and recovery skip because it cannot be read.
    public init(writer: any DatabaseWriter, reportUnreadable: @escaping UnreadableRowReport = { _ in }) throws {
        SQLiteHeap.installed
        self.writer = writer
        self.reportUnreadable = reportUnreadable
        try Migrations.migrator.migrate(writer)
    }

    /// Opens (creating if needed) `FOLDER/automation.sqlite` in WAL mode, with a busy timeout
    /// so that several processes can share it. Opening and migrating happen under a file lock,
    /// so processes that open a brand-new store together migrate it once.
    public static func open(folder: String, reportUnreadable: @escaping UnreadableRowReport = { _ in }) throws
        -> AutomationStore
    {
        let path = (folder as NSString).appendingPathComponent(fileName)
        do {
            try PrivateFiles.createFolder(folder)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.foreignKeysEnabled = true
            return try MigrationLock.withLock(beside: path) {
                for file in [path, path + "-wal", path + "-shm"]
                where file == path || FileManager.default.fileExists(atPath: file) {
                    PrivateFiles.ensurePrivate(file)
                }
                let pool = try DatabasePool(path: path, configuration: configuration)
                return try AutomationStore(writer: pool, reportUnreadable: reportUnreadable)
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw StoreError.cannotOpen(path: path, reason: error.message ?? error.description)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// An in-memory store, for tests.
    public static func inMemory(reportUnreadable: @escaping UnreadableRowReport = { _ in }) throws
        -> AutomationStore
    {
        try AutomationStore(writer: DatabaseQueue(), reportUnreadable: reportUnreadable)
    }

    /// Decodes each row on its own: a row that cannot be read is reported and skipped, and
    /// never hides the others.
    func readable<T>(_ rows: [Row], table: String, key: String, _ decode: (Row) throws -> T) -> [T] {
        rows.compactMap { row in
            do {
                return try decode(row)
            } catch {
                reportUnreadable(Self.unreadable(row, table: table, key: key, error))
                return nil
            }
        }
    }

    static func unreadable(_ row: Row, table: String, key: String, _ error: any Error) -> UnreadableRow {
        let name = (try? StoredRow(row).optionalText(key)).flatMap { $0 }.map(StoredRow.clip) ?? "?"
        return UnreadableRow(table: table, key: name, problem: "\(error)")
    }

    /// A read transaction on GRDB's asynchronous access: the calling task is suspended, no
    /// thread of Swift's cooperative pool waits for SQLite. The result must be `Sendable`
    /// (decode rows inside): given a body that returns a `Row`, `writer.read` would silently
    /// pick GRDB's blocking overload instead, and this does not compile.
    ///
    /// GRDB's callback form, not its `async` one: the latter gives the pool's reader back only
    /// after the awaiting task resumes on the cooperative pool, and the runbook engine and
    /// scheduler still make blocking store calls on that pool; with every cooperative thread
    /// waiting for a reader and every reader waiting for a cooperative thread, the server
    /// stopped. Here the reader is given back on GRDB's own queue before the task resumes.
    func asyncRead<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            writer.asyncRead { database in
                continuation.resume(with: Result { try body(database.get()) })
            }
        }
    }

    /// A write transaction on GRDB's asynchronous access (see `asyncRead`).
    func asyncWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            writer.asyncWrite(body) { _, result in continuation.resume(with: result) }
        }
    }

    /// Runs SQLite's own consistency check; returns "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") ?? "no answer" }
    }
}
