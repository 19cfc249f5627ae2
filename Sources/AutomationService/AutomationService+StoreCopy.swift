import Automation
import AutomationStore
import Foundation
import PostgresStore

/// What `runbook store copy` did.
public struct StoreCopyReport: Sendable {
    /// Rows per table, as the PostgreSQL store counts them after the copy (equal to the source's).
    public var copied: [(table: String, rows: Int)]
    /// Tables PostgreSQL does not hold yet, with their rows: they stay in the embedded store.
    public var leftBehind: [(table: String, rows: Int)]
}

extension AutomationService {
    /// Copies this embedded store's accounts, runbooks, schedules (with fire history and
    /// checkpoints), jobs (with status history and streams), tokens, machines and Change
    /// Tracking's records (`CopiedTables`) into an empty PostgreSQL store, in one transaction, and checks every table's count afterwards. Refused while a job
    /// runs: its process's ownership cannot move with it.
    /// `runbook store copy`: from the embedded store at `source` into the PostgreSQL store at
    /// `target`; both are checked before anything is opened (a database as the source is
    /// `unavailable`, a folder as the target `invalid`).
    public static func copyStore(
        from source: StoreLocation, to target: StoreLocation, note: @escaping @Sendable (StoreNotice) -> Void
    ) async throws(ServiceError) -> StoreCopyReport {
        guard case .folder(let folder) = source.kind else {
            throw .unavailable(
                "this command cannot use the PostgreSQL store \(source): it copies the embedded store, which needs "
                    + "the embedded store: give a folder with --store or RUNBOOK_STORE")
        }
        guard case .postgres(let location) = target.kind else {
            throw .invalid(
                "the copy goes to a PostgreSQL URL (postgresql://USER@HOST:PORT/DATABASE), not '\(target)'",
                target: "--to")
        }
        return try await openFolder(folder, access: .read, note: note).copyStore(to: location)
    }

    func copyStore(to location: PostgresLocation) async throws(ServiceError) -> StoreCopyReport {
        do {
            let tables = try store.exportTables(CopiedTables.names)
            // Jobs waiting (New, Resuming) or parked (Suspended) move; a running one cannot.
            let movable: Set<String> = ["New", "Suspended", "Resuming"]
            if let jobs = tables.first(where: { $0.name == "job" }), let id = jobs.columns.firstIndex(of: "id"),
                let status = jobs.columns.firstIndex(of: "status")
            {
                for row in jobs.rows {
                    guard case .text(let state) = row[status], case .text(let job) = row[id] else { continue }
                    if !movable.contains(state) && JobStatus(rawValue: state)?.isFinal != true {
                        throw ServiceError.invalid(
                            "job \(job) is \(state) in the embedded store; stop the scheduler and let its jobs end "
                                + "(or 'runbook jobs stop \(job)') before copying; nothing was copied",
                            target: "--store")
                    }
                }
            }
            let counts = try await PostgresStore.withStore(at: location) { try await $0.importTables(tables) }
            var copied: [(String, Int)] = []
            for table in tables {
                let count = counts[table.name] ?? 0
                guard count == table.rows.count else {
                    throw ServiceError.invalid(
                        "\(table.name): \(table.rows.count) rows in the embedded store but \(count) in PostgreSQL",
                        target: "--to")
                }
                copied.append((table.name, count))
            }
            return StoreCopyReport(copied: copied, leftBehind: try store.tableCounts(except: CopiedTables.names))
        } catch let error as ServiceError {
            throw error
        } catch {
            throw Self.storeError(error)
        }
    }
}
