import ArgumentParser
import Automation
import AutomationStore
import Foundation
import Logging
import RunbookEngine
import Scheduler

extension RunbookCommand {
    struct SchedulerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scheduler",
            abstract: "Start the jobs of due schedules (in the foreground; --once for one pass).",
            discussion: """
                Each fire of a schedule is claimed under a unique (schedule, fire time) key in the store,
                so two schedulers sharing a store never start it twice. Fires missed while no scheduler
                ran are recorded; the schedule's misfire policy decides whether the latest one still runs
                (run-once, the default) or not (skip). A fire that comes while the schedule's previous
                job still runs follows its overlap policy: skip (default, recorded), queue, or allow.

                On SIGINT or SIGTERM it starts
                no new pass; jobs still running get --grace seconds, then are stopped (recorded as
                Stopped). Jobs left running by a scheduler that died are marked Failed when the store
                is next opened. --concurrency limits how many jobs run at once (default 4); the others
                wait in New. Suspend/resume is still to come.

                Examples:
                  runbook scheduler                 # until Ctrl-C, checking every second
                  runbook scheduler --once          # one pass, for cron or CI
                """)

        @Flag(help: "Run one pass and exit.") var once = false
        @Option(help: "Seconds between passes.") var poll = 1.0
        @Option(help: "Jobs that run at once; the others wait in New for a slot.") var concurrency = 4
        @Option(help: "On SIGINT/SIGTERM, seconds running jobs get to finish before they are stopped.")
        var grace = 30.0
        @Option(help: "Pretend the time is this (ISO 8601), for rehearsals; implies --once.") var now: String?
        @OptionGroup var store: StoreOptions
        @OptionGroup var runbooks: RunbookFolderOptions

        func validate() throws {
            guard poll >= 0.05 else { throw ValidationError("--poll must be at least 0.05 seconds") }
            guard (1...256).contains(concurrency) else {
                throw ValidationError("--concurrency must be between 1 and 256")
            }
            if let now, (try? Date(now, strategy: .iso8601)) == nil {
                throw ValidationError("--now '\(now)' is not an ISO 8601 time such as 2026-11-25T02:00:30Z")
            }
        }

        func run() async throws {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel =
                    ProcessInfo.processInfo.environment["RUNBOOK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
                    ?? .info
                return handler
            }
            let store = try store.openWithAccount()
            let logger = Logger(label: "runbook.scheduler")
            let tick = SchedulerTick(
                store: store, library: runbooks.library,
                runner: JobRunner(store: store, logger: logger, stopPoll: .milliseconds(250)),
                logger: logger, concurrency: concurrency
            )
            if let now, let date = try? Date(now, strategy: .iso8601) {
                Terminal.out(Self.describe(try await tick.tick(now: date)))
                return
            }
            if once {
                Terminal.out(Self.describe(try await tick.tick(now: Date())))
                return
            }
            let stopping = StopFlag()
            let passes = Task {
                while !stopping.isSet && !Task.isCancelled {
                    let report = try await tick.tick(now: Date())
                    if !report.isEmpty { logger.info("\(Self.describe(report))") }
                    try? await Task.sleep(for: .seconds(poll))
                }
            }
            // A signal: no new pass starts; running jobs get the grace period, then are stopped
            // (they end Stopped, with the reason), so no job is left Running.
            let grace = self.grace
            let signals = StopSignal {
                // On the signal thread: blocking it for the grace period delays nothing else.
                guard !stopping.isSet else { return }
                stopping.set()
                logger.info("stopping: no new fires; running jobs have \(grace)s to finish")
                Thread.sleep(forTimeInterval: grace)
                passes.cancel()
            }
            logger.info("scheduler started", metadata: ["poll.seconds": "\(poll)", "grace.seconds": "\(grace)"])
            _ = try? await passes.value
            _ = signals
            logger.info("scheduler stopped")
        }

        static func describe(_ report: TickReport) -> String {
            "started \(report.started.count) job(s), \(report.missed) missed fire(s) recorded, "
                + "\(report.skipped) skipped, \(report.failed.count) failed"
        }
    }
}
