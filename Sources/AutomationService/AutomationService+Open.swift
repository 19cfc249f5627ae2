import Automation
import AutomationStore
import Foundation
import PostgresStore

/// How a command uses its store.
public enum StoreAccess: Sendable, Hashable {
    /// It only reads, or acts on something that must already exist: the store must be there
    /// (a mistyped `--store` never makes a new, empty one) and nothing is created.
    case read
    /// It writes: the store is created when missing, and with `account` a store without an
    /// account gets the default one (and the shipped runbooks) before anything is recorded.
    case write(account: Bool)
}

/// What opening a store has to say: what it did (made the default account, recovered a job),
/// or a warning (a stored row that cannot be read is skipped).
public enum StoreNotice: Sendable, Hashable {
    case note(String)
    case warning(String)
}

/// The one way a front end reaches a store: given its location, the service opens the right
/// kind, recovers what dead processes left, makes the default account when asked, and says so
/// through `note`. Nothing outside this target knows which kind of store it runs on; what
/// differs is a property (`jobsRunOnNodes`, `storeFolder`).
extension AutomationService {
    /// Runs `body` with the service over the store at `location`. A store that is not there
    /// for `.read` is `ServiceError.noStore`; a store that cannot be opened or reached,
    /// `storeUnreachable`.
    public static func withStore<T: Sendable>(
        at location: StoreLocation, access: StoreAccess, runbooks: RunbookLibrary,
        note: @escaping @Sendable (StoreNotice) -> Void, _ body: (AutomationService) async throws -> T
    ) async throws -> T {
        switch location.kind {
        case .folder(let folder):
            let service = try openFolder(folder, access: access, note: note)
            if case .write(account: true) = access,
                let line = try await service.ensureDefaultAccount(profile: .azure, runbooks: runbooks, in: location)
            {
                note(.note(line))
            }
            return try await body(service)
        case .postgres(let database):
            do {
                return try await withShared(database, mustExist: access == .read) { service in
                    if case .write(account: true) = access,
                        let line = try await service.ensureDefaultAccount(
                            profile: .azure, runbooks: runbooks, in: location)
                    {
                        note(.note(line))
                    }
                    return try await body(service)
                }
            } catch StoreError.notFound(let kind, let name, let hint) where kind == "store" {
                throw ServiceError.noStore("no store at \(name)\(hint)")
            } catch let error as StoreError {
                throw storeError(error)
            }
        }
    }

    /// The embedded store in `folder`: checked to be a folder, opened (created for a writer),
    /// and the jobs of processes that died recovered, each said through `note`.
    static func openFolder(_ folder: String, access: StoreAccess, note: @escaping @Sendable (StoreNotice) -> Void)
        throws(ServiceError) -> AutomationService
    {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder)
        if exists && !isFolder.boolValue {
            throw .storeUnreachable(
                "cannot open the store: \(folder) is a file, not a folder (check --store or RUNBOOK_STORE)")
        }
        let path = (folder as NSString).appendingPathComponent(storeFileName)
        if access == .read && !FileManager.default.fileExists(atPath: path) {
            throw .noStore(
                "no store at \(folder) (\(path) does not exist); check --store or RUNBOOK_STORE, "
                    + "or create one with 'runbook init' or 'runbook run enable-tracking'")
        }
        if !exists {
            do {
                // The owner's alone, whatever the umask: it will hold token hashes and job output.
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw .storeUnreachable("cannot create the store folder \(folder): \(PlainError.reason(error))")
            }
        }
        // A stored row that cannot be read is skipped wherever it is met; say which and why.
        let service = try open(folder: folder) { note(.warning($0)) }
        // Jobs whose process died are recovered, never left Running.
        for job in try service.recoverOrphanedJobs() {
            let what =
                switch job.status {
                case .suspended: "marked Suspended ('runbook jobs resume' runs it)"
                case .new:
                    "put back in New: 'runbook scheduler' or 'runbook serve' runs it again from the step it was in"
                default: "marked \(job.status.rawValue)"
                }
            note(.note("job \(job.id) was left unfinished by a process that ended; \(what)"))
        }
        return service
    }

    /// Jobs started on this store run on its nodes (`runbook scheduler` or `runbook serve` on a
    /// shared store), not in the process that starts them: `runbook run` queues them there.
    public var jobsRunOnNodes: Bool { embedded == nil }

    /// The folder of the embedded store (where `serve --tls-self-signed` keeps its certificate);
    /// nil on a shared store.
    public var storeFolder: String? { folder }

    /// Creates the default account with its workspace when the store has no account yet, with
    /// `profile`; on the embedded store this host is registered as a local machine. The shipped
    /// runbooks are published. Returns the line that says what was made (nil when the store
    /// already had an account, or another process made it first).
    public func ensureDefaultAccount(profile: LimitsProfile, runbooks: RunbookLibrary, in location: StoreLocation)
        async throws(ServiceError) -> String?
    {
        var account = DefaultAccount.account
        account.profile = profile
        let profileNote = profile == .azure ? "" : ", profile \(profile.rawValue)"
        // Listed only when something was published (not on every writing command's start).
        var source: String { runbooks.names().isEmpty ? "the binary's shipped runbooks" : "\(runbooks.folder)/" }
        if embedded != nil {
            var machineNote = ""
            let published = try ensureDefaultSetup(
                account: account, workspace: DefaultAccount.workspace,
                localMachine: {
                    let (machine, note) = DefaultAccount.localMachine()
                    machineNote = note
                    return machine
                }, runbooks: runbooks)
            guard let published else { return nil }
            let publishedNote = published.isEmpty ? "" : "; published \(published.count) runbooks from \(source)"
            return "Created the default Automation account '\(DefaultAccount.accountName)' (EastUS2\(profileNote)) "
                + "linked to workspace '\(DefaultAccount.workspaceName)' (EastUS); \(machineNote)\(publishedNote)."
        }
        guard try await ensureSharedAccount(account, workspace: DefaultAccount.workspace) else { return nil }
        let published = await publishUnpublished(from: runbooks)
        return "Created the default Automation account '\(DefaultAccount.accountName)' (EastUS2\(profileNote), "
            + "resource group '\(DefaultAccount.resourceGroup)', subscription \(DefaultAccount.subscription)) linked "
            + "to workspace '\(DefaultAccount.workspaceName)' (EastUS) in \(location)"
            + (published.isEmpty ? "" : "; published \(published.count) runbooks from \(source)")
            + ". No local machine is registered in a shared database (each node would scan its own host): "
            + "register machines with 'runbook machine register'."
    }
}
