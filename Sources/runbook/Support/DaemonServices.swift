import Automation
import Foundation
import Logging

/// What `runbook scheduler` and `runbook serve` share in the command line.
enum DaemonServices {
    /// `--retention`: an age, or nil for 'off' (history is kept).
    static func retention(_ text: String) -> Duration? {
        text == "off" ? nil : DurationText.parse(text)
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
