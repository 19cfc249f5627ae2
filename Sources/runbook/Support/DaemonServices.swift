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
