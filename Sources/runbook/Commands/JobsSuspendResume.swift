import ArgumentParser
import Automation
import AutomationService
import Foundation
import Logging
import RunbookEngine

extension RunbookCommand.JobsCommand {
    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Suspend a job at its next step boundary, from any process (Suspending -> Suspended).",
            discussion: Help.reflow(
                """
                The job moves to Suspending at once. The process running it lets the current step finish
                and suspends the job before the next one; 'runbook jobs resume ID' later runs it from
                that step. A job waiting in New suspends before its first step. This command waits up
                to --wait seconds for Suspended; a long step keeps the job Suspending until it ends.
                """))

        @Argument(help: "Job id, a unique prefix of at least 4 characters, or latest.") var id: String
        @Option(help: "Seconds to wait for the job to reach Suspended (0: do not wait).") var wait = 10.0
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withService(create: false) { service in try await suspend(in: service) }
        }

        private func suspend(in service: AutomationService) async throws {
            let job = try await JobLookup.find(id, in: service)
            let outcome = try await Terminal.exitOnError { () async throws(ServiceError) in
                try await service.suspendJob(id: job.id, by: .commandLine)
            }
            switch outcome {
            case .notFound:
                Terminal.error("no job with id '\(id)'")
                throw ExitCode(1)
            case .alreadyFinal(let status):
                Terminal.error("job \(job.id) already ended (\(status.rawValue)); only an unfinished job suspends")
                throw ExitCode(1)
            case .already(let status):
                Terminal.out("Job \(job.id) is already \(status.rawValue).")
                return
            case .requested:
                Terminal.out("Suspend requested for job \(job.id) (Suspending).")
            }
            let status = try await JobWait.until(job.id, in: service, seconds: wait) { $0 == .suspended || $0.isFinal }
            guard let status else {
                if wait > 0 {
                    Terminal.warning("job \(job.id) is still Suspending: its current step has not finished yet")
                }
                return
            }
            Terminal.out("Job \(job.id) \(status.rawValue).")
            if status == .suspended { Terminal.out("Resume it with: runbook jobs resume \(job.id)") }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resume a Suspended job from the step where it stopped (Resuming -> Running).",
            discussion: Help.reflow(
                """
                The job runs again in this process, with the runbook content and parameters it recorded
                (not the file as it is now), starting with the step it was suspended before; its streams
                go on where they were. Exit status as for 'runbook run'. With --queue the job is only
                marked Resuming and a running 'runbook scheduler' picks it up on its next pass; on \
                PostgreSQL (--store postgresql://...) --queue is required and a node resumes it.
                """))

        @Argument(help: "Job id, a unique prefix of at least 4 characters, or latest.") var id: String
        @Flag(help: "Leave the job Resuming for a running scheduler instead of running it here.") var queue = false
        @Flag(help: "Print the job as JSON when it ends.") var json = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            Logs.bootstrap()
            try await store.withService(create: false) { service in
                // Where the store's nodes run jobs, a resume is queued for them.
                if service.jobsRunOnNodes && !queue {
                    Terminal.error(
                        "on this store the nodes run jobs: add --queue, and the first node with a free slot resumes it")
                    throw ExitCode(64)
                }
                if queue {
                    try await queueResume(in: service)
                    return
                }
                let job = try await JobLookup.find(id, in: service)
                let logger = Logger(label: "runbook.engine")
                do {
                    try await LiveJob.run(json: json, service: service) { observer, progress in
                        try await service.resumeForeground(
                            id: job.id, logger: logger, observer: observer, progress: progress)
                    }
                } catch let error as ResumeError {
                    Terminal.error(error.description)
                    throw ExitCode(1)
                }
            }
        }

        /// Marks the job Resuming for a scheduler's next pass (or a node's claim).
        private func queueResume(in service: AutomationService) async throws {
            let job = try await JobLookup.find(id, in: service)
            let queued = try await Terminal.exitOnError { () async throws(ServiceError) in
                try await service.resumeJob(id: job.id)
            }
            Terminal.out(
                "Job \(queued.id) Resuming: a scheduler resumes it before step \((queued.checkpointStep ?? 0) + 1).")
        }
    }
}
