import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand.JobsCommand {
    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop a running job, from any process (Stopping -> Stopped).",
            discussion: Help.reflow(
                """
                The job moves to Stopping at once; the process running it checks four times a second
                and ends it as Stopped. This command waits up to --wait seconds for that and prints the
                final status. A Suspended job, which no process runs, is Stopped at once.
                """))

        @Argument(help: "Job id, a unique prefix of at least 4 characters, or latest.") var id: String
        @Option(help: "Seconds to wait for the job to stop.") var wait = 10.0
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withService(create: false) { service in try await stop(in: service) }
        }

        private func stop(in service: AutomationService) async throws {
            let job = try await JobLookup.find(id, in: service)
            let outcome = try await Terminal.exitOnError { () async throws(ServiceError) in
                try await service.stopJob(id: job.id, by: .commandLine)
            }
            switch outcome {
            case .notFound:
                Terminal.error("no job with id '\(id)'")
                throw ExitCode(1)
            case .alreadyFinal(let status):
                Terminal.out("Job \(job.id) already ended: \(status.rawValue).")
                return
            case .stoppedNow:
                Terminal.out("Job \(job.id) Stopped (no process was running it).")
                return
            case .requested:
                Terminal.out("Stop requested for job \(job.id) (Stopping).")
            }
            if let status = try await JobWait.until(job.id, in: service, seconds: wait, done: \.isFinal) {
                Terminal.out("Job \(job.id) \(status.rawValue).")
                return
            }
            Terminal.warning(
                "job \(job.id) has not stopped yet; its process may be busy in a step that cannot be interrupted")
            throw ExitCode(1)
        }
    }
}
