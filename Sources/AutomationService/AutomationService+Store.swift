import Automation
import AutomationStore
import Foundation

/// Opening the account's store, recovering what a dead process left, and the default setup.
extension AutomationService {
    /// The store's file inside its folder.
    public static let storeFileName = AutomationStore.fileName

    /// Opens (creating if needed) the store in `folder` and returns the service over it.
    /// `reportUnreadable` hears of each stored row that is skipped because it cannot be read.
    public static func open(
        folder: String, reportUnreadable: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(ServiceError) -> AutomationService {
        do {
            let store = try AutomationStore.open(folder: folder) { reportUnreadable($0.description) }
            var service = AutomationService(store: store)
            service.folder = folder
            return service
        } catch {
            throw storeError(error)
        }
    }

    /// Ends (or suspends) the jobs whose process died, each with the reason; returns them. Called
    /// as a command starts: a job owned by this very process id is an earlier process's.
    public func recoverOrphanedJobs() throws(ServiceError) -> [RecoveredJob] {
        try storeCall { try store.recoverOrphanedJobs(at: now(), host: JobOwner.current.host, atStart: true) }
    }

    /// Creates the default account and workspace when the store has no account yet, with the
    /// local machine (asked for only then), and publishes the shipped runbooks of `runbooks`
    /// that are not published. Nil when the store already had an account, or another process
    /// created it first.
    public func ensureDefaultSetup(
        account: Account, workspace: Workspace, localMachine: () -> Machine?, runbooks: RunbookLibrary
    ) throws(ServiceError) -> [Published]? {
        guard try storeCall({ try store.accounts() }).isEmpty else { return nil }
        let machine = localMachine()
        // One transaction that checks again: of processes racing on a new store, one creates it.
        let created = try storeCall {
            try store.ensureDefaultSetup(account: account, workspace: workspace, localMachine: machine, at: now())
        }
        guard created else { return nil }
        // The shipped runbooks become the account's published runbooks, as the portal's
        // tutorial runbooks are there from the start.
        return publishUnpublishedEmbedded(from: runbooks)
    }

    /// Runs a synchronous store call, its errors in the service's terms.
    func storeCall<T>(_ work: () throws -> T) throws(ServiceError) -> T {
        do {
            return try work()
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Runs an asynchronous store call, its errors in the service's terms.
    func storeCall<T>(_ work: () async throws -> T) async throws(ServiceError) -> T {
        do {
            return try await work()
        } catch {
            throw Self.storeError(error)
        }
    }
}
