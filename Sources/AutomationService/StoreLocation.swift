import Automation
import AutomationStore
import Foundation
import PostgresStore

/// Where the store is, as `--store` or `RUNBOOK_STORE` says: a folder holding the embedded
/// SQLite store (the default), or a PostgreSQL database (`postgresql://USER@HOST:PORT/DB`).
/// Which kind it is stays inside the service: front ends pass the location on and ask the
/// service what differs (`AutomationService.jobsRunOnNodes`).
public struct StoreLocation: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case folder(String)
        case postgres(PostgresLocation)
    }

    let kind: Kind

    /// A URL starting `postgresql://` (or `postgres://`) is a database; anything else a folder.
    public init(_ text: String) throws(ServiceError) {
        guard PostgresLocation.isURL(text) else {
            kind = .folder(text)
            return
        }
        do {
            kind = .postgres(try PostgresLocation(url: text))
        } catch {
            throw .invalid(error.description, target: "--store")
        }
    }

    /// The embedded store's folder (where `serve --tls-self-signed` keeps its certificate); nil
    /// for a database.
    public var folder: String? {
        if case .folder(let folder) = kind { return folder }
        return nil
    }

    public var description: String {
        switch kind {
        case .folder(let folder): folder
        case .postgres(let location): location.description
        }
    }
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
            switch location.kind {
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
            switch location.kind {
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
