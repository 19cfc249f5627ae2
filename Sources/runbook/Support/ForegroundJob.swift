import ArgumentParser
import Automation
import AutomationService
import ChangeTracking
import Foundation
import RunbookEngine

/// Exit status of the commands that run a job: 0 Completed, 3 Suspended (it can be resumed),
/// 1 any other ending.
enum JobExit {
    static let suspended: Int32 = 3

    static func code(for status: JobStatus) -> ExitCode {
        switch status {
        // Resuming: handed over to where its next step runs (`runOn` on a step); it goes on there.
        case .completed, .resuming: return .success
        case .suspended: return ExitCode(suspended)
        default: return ExitCode(1)
        }
    }
}

/// A job run in the foreground (`run`, `jobs resume`): its streams shown as they are written
/// (unless --json), a scan's progress on a terminal, Ctrl-C stops it (recorded as Stopped),
/// then its ending and exit status.
enum LiveJob {
    static func run(
        json: Bool, service: AutomationService,
        _ work: @escaping @Sendable (JobStreamWriter.Observer?, ScanProgress.Observer?) async throws -> Job
    ) async throws {
        let progress = LiveProgress.onTerminal(json: json)
        let observer: JobStreamWriter.Observer? =
            json
            ? nil
            : { @Sendable record in
                guard let progress else { return JobPrinter.live(record) }
                progress.printing { JobPrinter.live(record) }
            }
        let shown: ScanProgress.Observer? = progress.map { live in { @Sendable report in live.show(report) } }
        let running = Task { try await work(observer, shown) }
        let interrupt = StopSignal { running.cancel() }
        let job: Job
        do {
            job = try await running.value
            progress?.clear()
        } catch {
            progress?.clear()
            throw error
        }
        _ = interrupt
        if json {
            try JSONOutput.print(try await JobDocument(job: job, service: service, withStreams: true))
        } else {
            JobPrinter.finished(job)
        }
        throw JobExit.code(for: job.status)
    }
}
