import Automation
import AutomationStore
import Foundation

/// What only the embedded store does, and does synchronously: recovery of a dead process's
/// jobs when a command opens it, the default setup, publishing in one transaction, and the
/// export that `store copy` reads. Use cases reach it through this protocol; only the wiring
/// (EmbeddedStoreWiring, the daemon) holds the SQLite store itself.
protocol EmbeddedStoreOperations: Sendable {
    func recoverOrphanedJobs(at now: Date, host: String, atStart: Bool) throws -> [RecoveredJob]
    func accounts() throws -> [AccountState]
    func ensureDefaultSetup(account: Account, workspace: Workspace, localMachine: Machine?, at now: Date) throws
        -> Bool
    func runbookResource(named name: String) throws -> RunbookResource?
    func runbookNames() throws -> [String]
    @discardableResult
    func publishRunbook(_ loaded: LoadedRunbook, description: String, from source: String, at now: Date) throws
        -> RunbookResource
    func exportTables(_ names: [String]) throws -> [StoreTable]
    func tableCounts(except copied: [String]) throws -> [(String, Int)]
}

extension AutomationStore: EmbeddedStoreOperations {}
