import Automation
import AutomationService
import Foundation

/// Waits for another process to move a job on.
enum JobWait {
    /// The job's status once `done` holds, or nil after `seconds`.
    static func until(
        _ id: String, in service: AutomationService, seconds: Double, done: (JobStatus) -> Bool
    ) async throws -> JobStatus? {
        let deadline = Date().addingTimeInterval(seconds)
        while true {
            if let status = try await service.job(idOrPrefix: id)?.status, done(status) { return status }
            guard Date() < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
