import Automation
import AutomationStore
import Foundation
import PostgresStore

/// Where the store is, as `--store` or `RUNBOOK_STORE` says: a folder holding the embedded
/// SQLite store (the default), or a PostgreSQL database (`postgresql://USER@HOST:PORT/DB`).
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case folder(String)
    case postgres(PostgresLocation)

    /// A URL starting `postgresql://` (or `postgres://`) is a database; anything else a folder.
    public init(_ text: String) throws(ServiceError) {
        guard PostgresLocation.isURL(text) else {
            self = .folder(text)
            return
        }
        do {
            self = .postgres(try PostgresLocation(url: text))
        } catch {
            throw .invalid(error.description, target: "--store")
        }
    }

    public var description: String {
        switch self {
        case .folder(let folder): folder
        case .postgres(let location): location.description
        }
    }

    /// What a PostgreSQL store serves today, for commands that refuse to run on one.
    public static let postgresSupport =
        "this use of the command needs the embedded store: give a folder with --store or RUNBOOK_STORE (every "
        + "command takes a PostgreSQL URL; 'store copy' copies from a folder, and a node runs the jobs: 'run' "
        + "queues them there)"
}

/// `runbook store migrate` and `runbook store check`, for either kind of store.
extension AutomationService {
    /// What migrating did.
    public struct StoreMigration: Sendable, Hashable {
        /// Migrations applied now (empty: already up to date). The embedded store does not list them.
        public var applied: [String]
        public var current: [String]
    }

    /// Brings the store's schema up to date (creating the store if needed); running it again
    /// changes nothing.
    public static func migrateStore(_ location: StoreLocation) async throws(ServiceError) -> StoreMigration {
        do {
            switch location {
            case .folder(let folder):
                _ = try AutomationStore.open(folder: folder)
                return StoreMigration(applied: [], current: [])
            case .postgres(let location):
                let report = try await PostgresStore.withStore(at: location, migrate: false) { try await $0.migrate() }
                return StoreMigration(applied: report.applied, current: report.current)
            }
        } catch {
            throw storeError(error)
        }
    }

    /// Problems with the store: SQLite's integrity_check on a file; the migrations, tables,
    /// constraints and indexes in PostgreSQL's catalog. Empty when all is well.
    public static func checkStore(_ location: StoreLocation) async throws(ServiceError) -> [String] {
        do {
            switch location {
            case .folder(let folder):
                let path = (folder as NSString).appendingPathComponent(AutomationStore.fileName)
                guard FileManager.default.fileExists(atPath: path) else {
                    throw ServiceError.notFound(kind: "store", name: path, hint: "")
                }
                let answer = try AutomationStore.open(folder: folder).integrityCheck()
                return answer == "ok" ? [] : answer.split(separator: "\n").map(String.init)
            case .postgres(let location):
                return try await PostgresStore.withStore(at: location, migrate: false) { try await $0.check() }
            }
        } catch {
            throw storeError(error)
        }
    }
}
