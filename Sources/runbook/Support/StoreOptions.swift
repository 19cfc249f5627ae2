import ArgumentParser
import Automation
import AutomationStore
import Foundation
import Logging

/// `--store DIR`, shared by every command that reads or writes the store.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("store"),
        help: ArgumentHelp(
            "Folder of the store (automation.sqlite). Default: $RUNBOOK_STORE, else .runbook",
            valueName: "dir"))
    var folder: String?

    var resolvedFolder: String {
        folder ?? ProcessInfo.processInfo.environment["RUNBOOK_STORE"] ?? ".runbook"
    }

    func open() throws -> AutomationStore {
        let store: AutomationStore
        do {
            // A stored row that cannot be read is skipped wherever it is met; say which and why.
            store = try AutomationStore.open(folder: resolvedFolder) { Terminal.warning($0.description) }
        } catch {
            Terminal.error("\(error)")
            throw ExitCode(74)
        }
        // Jobs whose process died are ended, never left Running.
        for job in try store.recoverOrphanedJobs(at: Date()) {
            let what = job.status == .suspended ? "Suspended ('runbook jobs resume' runs it)" : job.status.rawValue
            Terminal.note("job \(job.id) was left unfinished by a process that ended; marked \(what)")
        }
        return store
    }

    /// Opens the store and, when it holds no account yet, creates the embedded default.
    func openWithAccount() throws -> AutomationStore {
        let store = try open()
        if let line = try DefaultSetup.ensure(store) { Terminal.note(line) }
        return store
    }
}

/// `--runbooks DIR`, for commands that load runbooks by name.
struct RunbookFolderOptions: ParsableArguments {
    @Option(
        name: .customLong("runbooks"),
        help: ArgumentHelp("Folder of runbooks. Default: $RUNBOOK_PATH, else runbooks", valueName: "dir"))
    var folder: String?

    var library: RunbookLibrary {
        RunbookLibrary(folder: folder ?? ProcessInfo.processInfo.environment["RUNBOOK_PATH"] ?? "runbooks")
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
