import Automation
import ChangeTracking
import Foundation
import Logging
import RunbookEngine

/// Jobs run in the caller's process (`runbook run`, `runbook jobs resume`): their streams are
/// seen as they are written, and another process's stop request is read four times a second.
extension AutomationService {
    /// Records the prepared job (started manually) and runs it until it ends or suspends.
    public func runForeground(
        _ prepared: PreparedJob, logger: Logger, observer: JobStreamWriter.Observer? = nil,
        progress: ScanProgress.Observer? = nil
    ) async throws -> Job {
        try await foregroundRunner(logger: logger).run(
            prepared, reason: .manual, observer: observer, progress: progress)
    }

    /// Resumes a Suspended job here, from the step where it stopped; `ResumeError` says why not.
    public func resumeForeground(
        id: String, logger: Logger, observer: JobStreamWriter.Observer? = nil,
        progress: ScanProgress.Observer? = nil
    ) async throws -> Job {
        try await foregroundRunner(logger: logger).resume(id, observer: observer, progress: progress)
    }

    private func foregroundRunner(logger: Logger) throws(ServiceError) -> JobRunner {
        JobRunner(store: try embeddedStore, now: now, logger: logger, stopPoll: .milliseconds(250))
    }
}
