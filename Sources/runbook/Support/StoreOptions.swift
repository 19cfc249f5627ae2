import ArgumentParser
import Automation
import AutomationService
import Foundation
import Logging

/// `--store DIR`, shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("store"),
        help: ArgumentHelp(
            "Folder of the store (automation.sqlite), or postgresql://USER@HOST:PORT/DB: every command takes "
                + "either (the few uses that need the file itself say so). Default: $RUNBOOK_STORE, else .runbook",
            valueName: "dir"))
    var folder: String?

    var resolvedFolder: String {
        folder ?? ProcessInfo.processInfo.environment["RUNBOOK_STORE"] ?? ".runbook"
    }

    /// The store as `runbook store` takes it: a folder or a PostgreSQL URL (exit 64 for a bad URL).
    func location() throws -> StoreLocation {
        do {
            return try StoreLocation(resolvedFolder)
        } catch {
            Terminal.error(error.description)
            throw ExitCode(64)
        }
    }

    /// The uses that need the embedded store itself (a foreground run, the source of `store
    /// copy`) refuse a PostgreSQL URL, saying why (exit 69, EX_UNAVAILABLE).
    private func refusePostgres() throws {
        guard case .postgres(let location) = try self.location() else { return }
        Terminal.error("this command cannot use the PostgreSQL store \(location): \(StoreLocation.postgresSupport)")
        throw ExitCode(69)
    }

    /// Opens an existing store; a store that does not exist is an error (exit 66, EX_NOINPUT),
    /// so a mistyped `--store` or `RUNBOOK_STORE` never makes a new, empty one. Commands that
    /// only read, or act on something that must already exist (a job, a schedule), use this.
    func openExisting() throws -> AutomationService {
        try refusePostgres()
        let path = (resolvedFolder as NSString).appendingPathComponent(AutomationService.storeFileName)
        guard FileManager.default.fileExists(atPath: path) else {
            Terminal.error(
                "no store at \(resolvedFolder) (\(path) does not exist); check --store or RUNBOOK_STORE, "
                    + "or create one with 'runbook init' or 'runbook run enable-tracking'")
            throw ExitCode(66)
        }
        return try open()
    }

    /// Opens the store, creating it when it does not exist: for commands that write.
    func open() throws -> AutomationService {
        try refusePostgres()
        try checkFolder()
        let service: AutomationService
        do {
            // A stored row that cannot be read is skipped wherever it is met; say which and why.
            service = try AutomationService.open(folder: resolvedFolder) { Terminal.warning($0) }
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(74)
        }
        // Jobs whose process died are ended, never left Running.
        for job in try service.recoverOrphanedJobs() {
            let what =
                switch job.status {
                case .suspended: "marked Suspended ('runbook jobs resume' runs it)"
                case .new:
                    "put back in New: 'runbook scheduler' or 'runbook serve' runs it again from the step it was in"
                default: "marked \(job.status.rawValue)"
                }
            Terminal.note("job \(job.id) was left unfinished by a process that ended; \(what)")
        }
        return service
    }

    /// For commands whose use cases run on either kind of store: the embedded store (created if
    /// `create`, else it must exist), or the PostgreSQL database while `body` runs. A writer
    /// (`create`, unless `account` is false) gives a store without an account the default one;
    /// a command that only reads never creates anything.
    func withService<T: Sendable>(
        create: Bool, account: Bool? = nil, _ body: (AutomationService) async throws -> T
    ) async throws -> T {
        let account = create && (account ?? true)
        guard case .postgres(let location) = try self.location() else {
            let service =
                try create
                ? (account ? openWithAccount() : open()) : openExisting()
            return try await body(service)
        }
        do {
            return try await AutomationService.withShared(location, mustExist: !create) { service in
                // A writer on a new database gets the embedded store's default account, so the
                // API's paths (runbook-local / automation-default) work from the start.
                if account,
                    try await service.ensureSharedAccount(DefaultSetup.account, workspace: DefaultSetup.workspace)
                {
                    let library = RunbookLibrary(folder: RunbookFolderOptions.defaultFolder)
                    let published = await service.publishUnpublished(from: library)
                    let source = library.names().isEmpty ? "the binary's shipped runbooks" : "\(library.folder)/"
                    Terminal.note(
                        "created the default Automation account '\(DefaultSetup.accountName)' (resource group "
                            + "'\(DefaultSetup.resourceGroup)', subscription \(DefaultSetup.subscription)) in \(location)"
                            + (published.isEmpty ? "" : "; published \(published.count) runbooks from \(source)"))
                }
                return try await body(service)
            }
        } catch StoreError.notFound(let kind, let name, let hint) where kind == "store" {
            Terminal.error("no store at \(name)\(hint)")
            throw ExitCode(66)
        } catch let error as StoreError {
            Terminal.error(error.description)
            throw ExitCode(74)
        }
    }

    /// The folder must be a folder we can create or use; said in plain words before SQLite or
    /// Foundation can say it in theirs.
    private func checkFolder() throws {
        let folder = resolvedFolder
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                Terminal.error(
                    "cannot open the store: \(folder) is a file, not a folder (check --store or RUNBOOK_STORE)")
                throw ExitCode(74)
            }
            return
        }
        do {
            // The owner's alone, whatever the umask: it will hold token hashes and job output.
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            Terminal.error("cannot create the store folder \(folder): \(PlainError.reason(error))")
            throw ExitCode(74)
        }
    }

    /// Opens (or creates) the store and, when it holds no account yet, creates the embedded
    /// default: for commands that write.
    func openWithAccount() throws -> AutomationService {
        let service = try open()
        if let line = try DefaultSetup.ensure(service) { Terminal.note(line) }
        return service
    }

}

/// `--runbooks DIR`, for commands that load runbooks by name.
struct RunbookFolderOptions: ParsableArguments {
    @Option(
        name: .customLong("runbooks"),
        help: ArgumentHelp("Folder of runbooks. Default: $RUNBOOK_PATH, else runbooks", valueName: "dir"))
    var folder: String?

    /// A folder as an absolute, standardised path (recorded with schedule links).
    static func absolute(_ folder: String) -> String {
        URL(fileURLWithPath: folder, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }

    var library: RunbookLibrary {
        RunbookLibrary(folder: folder ?? Self.defaultFolder)
    }

    /// `$RUNBOOK_PATH`, else `runbooks` (for code that has no parsed options).
    static var defaultFolder: String {
        ProcessInfo.processInfo.environment["RUNBOOK_PATH"] ?? "runbooks"
    }
}

enum Logs {
    /// Libraries log through swift-log; the CLI shows warnings and worse unless RUNBOOK_LOG_LEVEL says otherwise.
    static func bootstrap() {
        let level = ProcessInfo.processInfo.environment["RUNBOOK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level ?? .warning
            return handler
        }
    }
}
