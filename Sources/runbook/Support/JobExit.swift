import ArgumentParser
import Automation
import AutomationStore
import Foundation

/// Exit status of the commands that run a job: 0 Completed, 3 Suspended (it can be resumed),
/// 1 any other ending.
enum JobExit {
    static let suspended: Int32 = 3

    static func code(for status: JobStatus) -> ExitCode {
        switch status {
        case .completed: return .success
        case .suspended: return ExitCode(suspended)
        default: return ExitCode(1)
        }
    }
}

/// Waits for another process to move a job on.
enum JobWait {
    /// The job's status once `done` holds, or nil after `seconds`.
    static func until(
        _ id: String, in store: AutomationStore, seconds: Double, done: (JobStatus) -> Bool
    ) async throws -> JobStatus? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let status = try store.job(id)?.status, done(status) { return status }
            guard Date() < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
