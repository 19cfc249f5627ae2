import ArgumentParser
import Automation
import AutomationService
import Foundation
import Logging
import Scheduler
import ServiceLifecycle

extension RunbookCommand {
    struct SchedulerCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scheduler",
            abstract: "Start the jobs of due schedules (in the foreground; --once for one pass).",
            discussion: Help.reflow(
                """
                Each fire of a schedule is claimed under a unique (schedule, fire time) key in the store,
                so two schedulers sharing a store never start it twice. Fires missed while no scheduler
                ran are recorded; the schedule's misfire policy decides whether the latest one still runs
                (run-once, the default) or not (skip). A fire that comes while the schedule's previous
                job still runs follows its overlap policy: skip (default, recorded), queue, or allow.

                --concurrency limits how many jobs run at once (default 4); the others wait in New.
                Jobs queued with 'runbook jobs resume --queue' are resumed on the next pass. Finished
                jobs older than --retention (default 30d, as Azure keeps them) are deleted at start and
                every hour, in small batches.

                On SIGINT or SIGTERM it starts no new pass and no waiting job; running jobs get --grace
                seconds to finish, then are stopped (recorded as Stopped, with the reason). Jobs left
                running by a scheduler that died are ended or suspended, with the reason, when the store
                is next opened. Each scheduler is a node of its store (--node, --lease): it holds a
                lease on the jobs it runs, and recovers those of a node that stopped heartbeating
                (stuck, or paused) once their lease runs out; 'runbook nodes list' shows them. Logs are
                structured lines on stderr (RUNBOOK_LOG_LEVEL=debug for more).

                With --store postgresql://USER@HOST:PORT/DB the process is a node of several sharing
                that database: it heartbeats, holds a lease on each job it runs (--lease seconds,
                renewed every third of it), takes waiting jobs into its free slots and runs passes
                (each fire is claimed once, whichever node sees it first). When a node stops
                heartbeating, another recovers its jobs after their lease, naming it. 'runbook nodes
                list' shows the nodes. A node runs change-tracking steps too: it scans machines whose
                folders it can reach (a 'local' machine is the node's own host).

                Examples:
                  runbook scheduler                     # until Ctrl-C; wakes at each fire time
                  runbook scheduler --once              # one pass, for cron or CI
                  runbook scheduler --retention 90d --concurrency 8
                  runbook scheduler --store postgresql://runbook@db1/automation --lease 30
                """))

        @Flag(help: "Run one pass and exit.") var once = false
        @Option(help: "Seconds between passes, 0.05 to 3600.") var poll = 1.0
        @Option(help: "Jobs that run at once; the others wait in New for a slot.") var concurrency = 4
        @Option(help: "On SIGINT/SIGTERM, seconds running jobs get to finish before they are stopped (0 to 86400).")
        var grace = 30.0
        @Option(help: "Delete finished jobs older than this (30d, 12h); 'off' keeps them all.")
        var retention = "30d"
        @Option(help: "Pretend the time is this (ISO 8601), for rehearsals; implies --once.") var now: String?
        @OptionGroup var nodeOptions: NodeOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var runbooks: RunbookFolderOptions

        static let pollRange = 0.05...3600.0
        static let graceRange = 0.0...86_400.0

        func validate() throws {
            // Ranges, not one-sided checks: inf and 1e300 pass `>=` and then trap when converted.
            guard Self.pollRange.contains(poll) else {
                throw ValidationError("--poll \(poll) is out of range: 0.05 to 3600 seconds")
            }
            guard (1...256).contains(concurrency) else {
                throw ValidationError("--concurrency must be between 1 and 256")
            }
            guard Self.graceRange.contains(grace) else {
                throw ValidationError("--grace \(grace) is out of range: 0 to 86400 seconds (a day)")
            }
            if retention != "off" {
                do {
                    _ = try DurationText.read(retention)
                } catch {
                    throw ValidationError("--retention: \(error) (or 'off')")
                }
            }
            if let now, (try? Date(now, strategy: .iso8601)) == nil {
                throw ValidationError("--now '\(now)' is not an ISO 8601 time such as 2026-11-25T02:00:30Z")
            }
        }

        func run() async throws {
            DaemonServices.bootstrapLogging()
            let location = try store.location()
            let logger = Logger(label: "runbook.scheduler")
            if once || now != nil {
                let date = now.flatMap { try? Date($0, strategy: .iso8601) } ?? Date()
                let (invalid, report) = try await DaemonServices.exitOnError {
                    try await AutomationService.runOnePass(
                        at: location, library: runbooks.library, concurrency: concurrency, now: date, logger: logger,
                        note: StoreOptions.say)
                }
                for (name, problems) in invalid.sorted(by: { $0.key < $1.key }) {
                    Terminal.warning(ScheduleText.invalid(name, problems))
                }
                Terminal.out(report)
                return
            }
            logger.info(
                "scheduler started",
                metadata: [
                    "poll.seconds": "\(poll)", "grace.seconds": "\(grace)", "concurrency": "\(concurrency)",
                    "retention": "\(retention)", "store": "\(location)",
                ])
            try await DaemonServices.exitOnError {
                try await AutomationService.runDaemon(
                    at: location,
                    settings: DaemonServices.settings(
                        nodeOptions, runbooks: runbooks, poll: poll, concurrency: concurrency, grace: grace,
                        retention: retention),
                    logger: logger, note: StoreOptions.say)
            }
            logger.info("scheduler stopped")
        }
    }
}
