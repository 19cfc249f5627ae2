import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand {
    struct JobsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "jobs",
            abstract: "The job history: list jobs, show one, print its streams; stop, suspend, resume.",
            subcommands: [List.self, Show.self, Output.self, Stop.self, Suspend.self, Resume.self, Purge.self],
            defaultSubcommand: List.self)
    }
}

extension RunbookCommand.JobsCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")

        @Option(help: "Only jobs of this runbook.") var runbook: String?
        @Option(help: "Only jobs in this status (Completed, Failed, Stopped, Running, ...).") var status: String?
        @Option(help: "Only jobs started this way: manual, schedule or parent.") var reason: String?
        @Option(help: "Only jobs started by this schedule.") var schedule: String?
        @Option(help: "Only jobs created since a duration ago (24h, 7d) or an ISO 8601 time.") var since: String?
        @Option(help: "Only jobs created before an ISO 8601 time.") var until: String?
        @Option(help: "At most this many jobs.") var limit = 20
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func validate() throws {
            if let status, JobStatus(caseInsensitive: status) == nil {
                throw ValidationError(
                    "unknown status '\(status)'; one of: " + JobStatus.allCases.map(\.rawValue).joined(separator: ", "))
            }
            guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
            if let reason, StartReason(rawValue: reason) == nil {
                throw ValidationError("unknown start reason '\(reason)'; one of: manual, schedule, parent")
            }
            if let since, TimeArgument.date(since, now: Date()) == nil {
                throw ValidationError("--since '\(since)' is neither a duration (24h, 7d) nor an ISO 8601 time")
            }
            if let until, (try? Date(until, strategy: .iso8601)) == nil {
                throw ValidationError("--until '\(until)' is not an ISO 8601 time")
            }
        }

        func run() async throws {
            let filter = JobFilter(
                runbook: runbook, status: status.flatMap(JobStatus.init(caseInsensitive:)),
                reason: reason.flatMap(StartReason.init(rawValue:)), schedule: schedule,
                since: since.flatMap { TimeArgument.date($0, now: Date()) },
                until: until.flatMap { try? Date($0, strategy: .iso8601) }, limit: limit)
            let jobs = try await store.withService(create: false) { service in
                try await Terminal.exitOnError { () async throws(ServiceError) in
                    try await service.jobs(matching: filter)
                }
            }
            let filtered =
                runbook != nil || status != nil || reason != nil || schedule != nil || since != nil || until != nil
            try ListOutput<Job>(
                headers: ["ID", "RUNBOOK", "STATUS", "CREATED", "DURATION", "STARTED BY"],
                empty: filtered
                    ? "No job matches these filters; 'runbook jobs list' shows every job."
                    : "No jobs yet. Run one with: runbook run enable-tracking"
            ) { job in
                [
                    String(job.id.prefix(8)), job.runbookName, job.status.rawValue, Terminal.time(job.createdAt),
                    Terminal.seconds(job.duration(now: Date())), job.startedBy ?? job.startReason.rawValue,
                ]
            }.print(jobs, json: json, width: layout.width) { JobDocument(job: $0) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one job: its record, status timeline and stream counts.")

        @Argument(help: "Job id, a unique prefix of at least 4 characters, or latest.") var id: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let id = self.id
            let (job, fire, history, streams) = try await store.withService(create: false) { service in
                let job = try await JobLookup.find(id, in: service)
                return try await Terminal.exitOnError { () async throws(ServiceError) in
                    (
                        job, try await service.fire(startingJob: job.id), try await service.statusHistory(job: job.id),
                        try await service.streamRecords(job: job.id)
                    )
                }
            }
            if json {
                var document = JobDocument(job: job)
                document.statusHistory = history
                try JSONOutput.print(document)
                return
            }
            var lines = [
                "Job:         \(job.id)",
                "Runbook:     \(job.runbookName) (sha256 \(job.runbookDigest.prefix(12)), \(job.runbookSource ?? "source not recorded"))",
                "Status:      \(job.status.rawValue)",
                "Started by:  \(job.startedByText)",
                "Account:     \(job.accountName ?? "-")",
                "Runs on:     \(job.runOn.map { "hybrid worker group \($0)" } ?? "the service's nodes")"
                    + (job.worker.map { " (worker \($0))" } ?? ""),
                "Targets:     \(job.targets.isEmpty ? "-" : job.targets.joined(separator: ", "))",
                "Created:     \(Terminal.time(job.createdAt))",
                "Started:     \(Terminal.time(job.startedAt))",
                "Ended:       \(Terminal.time(job.endedAt))",
                "Duration:    \(Terminal.seconds(job.duration(now: Date())))",
            ]
            let parameters = job.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines.append("Parameters:  \(parameters.isEmpty ? "-" : parameters.joined(separator: " "))")
            if let exception = job.exception { lines.append("Exception:   \(exception)") }
            if job.restarts > 0 {
                lines.append(
                    "Restarts:    \(job.restarts) of \(job.restartLimit) (its node or process died mid-step; "
                        + "see its Warning stream)")
            }
            if let step = job.resumesBeforeStep {
                let left = job.waitLeft.map { ", waiting the \(DurationText.format($0)) left of its wait" }
                lines.append("Resumes:     before step \(step)\(left ?? "") ('runbook jobs resume \(job.id)')")
            }
            if let fire {
                lines.append("Schedule:    \(fire.scheduleName), fire time \(fire.fireTime.formatted(.iso8601))")
            }
            lines.append("Timeline:")
            for (change, restart) in JobRestarts.attempts(in: history) {
                let at = change.at.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
                let attempt = restart.map { "  (\(JobRestarts.label(restart: $0, of: job.restartLimit)))" } ?? ""
                lines.append("  \(at)  \(change.status.rawValue)\(attempt)")
            }
            let counts = Dictionary(grouping: streams, by: \.stream).mapValues(\.count)
            let summary = StreamKind.allCases.compactMap { kind in counts[kind].map { "\(kind.rawValue) \($0)" } }
            lines.append("Streams:     \(summary.isEmpty ? "none" : summary.joined(separator: ", "))")
            Terminal.out(lines.joined(separator: "\n"))
        }
    }

    struct Output: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a job's stream records in the order they were written.")

        @Argument(help: "Job id, a unique prefix of at least 4 characters, or latest.") var id: String
        @Option(help: "Only this stream: Output, Warning, Error, Verbose, Progress or Debug.") var stream: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: StoreOptions

        func validate() throws {
            if let stream, StreamKind(caseInsensitive: stream) == nil {
                throw ValidationError(
                    "unknown stream '\(stream)'; one of: " + StreamKind.allCases.map(\.rawValue).joined(separator: ", ")
                )
            }
        }

        func run() async throws {
            let (id, kind) = (self.id, stream.flatMap(StreamKind.init(caseInsensitive:)))
            let records = try await store.withService(create: false) { service in
                let job = try await JobLookup.find(id, in: service)
                return try await Terminal.exitOnError { () async throws(ServiceError) in
                    try await service.streamRecords(job: job.id, kind: kind)
                }
            }
            if json {
                try JSONOutput.print(records)
                return
            }
            for record in records {
                // One stream asked for: bare messages, ready for pipes.
                Terminal.out(
                    kind == nil
                        ? "\(Terminal.time(record.at))  \(record.stream.rawValue)  \(record.message)" : record.message)
            }
        }
    }
}

/// How commands name a job: its id, a unique prefix of at least 4 characters, or `latest`
/// (the newest job), which a reader can copy from the README.
enum JobLookup {
    static let minimumPrefix = 4

    static func find(_ id: String, in service: AutomationService) async throws -> Job {
        if id == "latest" {
            let newest = try await Terminal.exitOnError { () async throws(ServiceError) in
                try await service.jobs(matching: JobFilter(limit: 1))
            }
            guard let job = newest.first else {
                Terminal.error("there is no job yet ('latest' names the newest job); run one with: runbook run NAME")
                throw ExitCode(1)
            }
            return job
        }
        guard id.count >= minimumPrefix else {
            Terminal.error(
                "job id '\(id)' is too short: give the full id or a prefix of at least \(minimumPrefix) "
                    + "characters (or 'latest' for the newest job)")
            throw ExitCode(64)
        }
        guard id.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
            Terminal.error("'\(id)' is not a job id: ids are hexadecimal with dashes (see 'runbook jobs list')")
            throw ExitCode(64)
        }
        do {
            // Ids are lower-case (the API lowers the names it is given); a prefix copied in capitals finds them.
            if let job = try await service.job(idOrPrefix: id.lowercased()) { return job }
        } catch {
            Terminal.error(error.description)
            throw ExitCode(1)
        }
        Terminal.error("no job with id '\(id)'; see 'runbook jobs list'")
        throw ExitCode(1)
    }
}
