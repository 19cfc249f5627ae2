import ArgumentParser
import Automation
import AutomationService
import Foundation
import Logging

/// What `runbook scheduler` and `runbook serve` share in the command line.
enum DaemonServices {
    /// `--retention`: an age, or nil for 'off' (history is kept).
    static func retention(_ text: String) -> Duration? {
        text == "off" ? nil : DurationText.parse(text)
    }

    /// What `runbook scheduler` and `runbook serve` run with, from their shared options.
    static func settings(
        _ nodeOptions: NodeOptions, runbooks: RunbookFolderOptions, poll: Double, concurrency: Int, grace: Double,
        retention: String
    ) -> AutomationService.DaemonSettings {
        AutomationService.DaemonSettings(
            library: runbooks.library, node: nodeOptions.settings(poll: poll, concurrency: concurrency), grace: grace,
            retention: Self.retention(retention))
    }

    /// Runs a daemon's use case; a service error that ends it (a node id another live process
    /// holds, a store that cannot be reached) is said in one line, with its exit status.
    static func exitOnError<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ServiceError {
            Terminal.error(error.description)
            throw ExitCode(error.exitCode)
        }
    }

    /// Logs at info on stderr (RUNBOOK_LOG_LEVEL changes it): the daemons say what they do.
    static func bootstrapLogging() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel =
                ProcessInfo.processInfo.environment["RUNBOOK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
    }
}
