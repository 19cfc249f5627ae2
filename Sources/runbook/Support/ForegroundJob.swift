import ArgumentParser
import Automation
import AutomationStore
import Foundation
import RunbookEngine

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

/// A job run in the foreground (`run`, `jobs resume`): its streams shown as they are written
/// (unless --json), Ctrl-C stops it (recorded as Stopped), then its ending and exit status.
enum LiveJob {
    static func run(
        json: Bool, store: AutomationStore,
        _ work: @escaping @Sendable (JobStreamWriter.Observer?) async throws -> Job
    ) async throws {
        let observer: JobStreamWriter.Observer? = json ? nil : { @Sendable record in JobPrinter.live(record) }
        let running = Task { try await work(observer) }
        let interrupt = StopSignal { running.cancel() }
        let job = try await running.value
        _ = interrupt
        if json {
            try JSONOutput.print(JobDocument(job: job, store: store, withStreams: true))
        } else {
            JobPrinter.finished(job)
        }
        throw JobExit.code(for: job.status)
    }
}
