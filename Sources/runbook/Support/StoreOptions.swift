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

    /// Runs `body` with the service over the store, whichever kind `--store` names. A writer
    /// (`create`) makes the store when it is missing and, unless `account` is false, gives a
    /// store without an account the default one; a command that only reads never creates
    /// anything (no store: exit 66). What opening did is said on stderr; a store that cannot be
    /// opened or reached exits 74.
    func withService<T: Sendable>(
        create: Bool, account: Bool? = nil, _ body: (AutomationService) async throws -> T
    ) async throws -> T {
        let access: StoreAccess = create ? .write(account: account ?? true) : .read
        let location = try self.location()
        do {
            return try await AutomationService.withStore(
                at: location, access: access, runbooks: RunbookLibrary(folder: RunbookFolderOptions.defaultFolder),
                note: Self.say
            ) { service in try await body(service) }
        } catch let error as ServiceError {
            Terminal.error(error.description)
            throw ExitCode(error.exitCode)
        }
    }

    /// What opening the store has to say, on stderr.
    @Sendable static func say(_ notice: StoreNotice) {
        switch notice {
        case .note(let line): Terminal.note(line)
        case .warning(let line): Terminal.warning(line)
        }
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
