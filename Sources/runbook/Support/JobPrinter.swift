import Automation
import AutomationService
import Foundation

/// How jobs look on a terminal.
enum JobPrinter {
    /// A stream record as it is written: Output on stdout, the rest on stderr with the stream's name.
    static func live(_ record: StreamRecord) {
        switch record.stream {
        case .output:
            Terminal.out(record.message)
            Terminal.flush()
        default: Terminal.raw("\(record.stream.rawValue.lowercased()): \(record.message)")
        }
    }

    static func finished(_ job: Job) {
        if job.status == .resuming, let step = job.resumesBeforeStep {
            let there = job.runOn.map { "a worker of the hybrid worker group '\($0)'" } ?? "the service's nodes"
            Terminal.out(
                "Job \(job.id) (\(job.runbookName)) handed over before step \(step) to \(there), where that step "
                    + "runs; it goes on there ('runbook jobs show \(job.id.prefix(8))' follows it)")
            return
        }
        var line = "Job \(job.id) (\(job.runbookName)) \(job.status.rawValue)"
        if let duration = job.duration(now: Date()) { line += " in \(Terminal.seconds(duration))" }
        Terminal.out(line)
        if let exception = job.exception { Terminal.raw("exception: \(exception)") }
        if let step = job.resumesBeforeStep {
            Terminal.out("Resume it before step \(step) with: runbook jobs resume \(job.id)")
        }
    }
}

/// A job for `--json`: the record, its status timeline and (optionally) its streams.
struct JobDocument: Encodable {
    var id: String
    var runbook: String
    var runbookDigest: String
    /// `published`, or the file an author ran.
    @ExplicitNull var runbookSource: String?
    var status: String
    var startReason: String
    @ExplicitNull var startedBy: String?
    @ExplicitNull var account: String?
    var parameters: [String: Value]
    var targets: [String]
    var createdAt: Date
    @ExplicitNull var startedAt: Date?
    @ExplicitNull var endedAt: Date?
    @ExplicitNull var durationSeconds: Double?
    @ExplicitNull var exception: String?
    /// While Suspended or Resuming: the step (1-based) a resume starts with.
    @ExplicitNull var resumesBeforeStep: Int?
    /// How many times recovery put it back in New, and how many it may be.
    var restarts: Int
    var restartLimit: Int
    /// The Hybrid Runbook Worker group it runs on; null: the service's own nodes.
    @ExplicitNull var runOn: String?
    /// For a group's job, the machine whose worker claimed it last.
    @ExplicitNull var worker: String?
    /// Every key above is written (null when unset), as schemas/json/job.schema.json says; the
    /// timeline and streams only when the command reads them (show, run).
    var statusHistory: [JobStatusChange]?
    var streams: [StreamRecord]?

    /// The job with its timeline (and its streams, `withStreams`) as `service` reads them.
    init(job: Job, service: AutomationService, withStreams: Bool = false) async throws {
        self.init(job: job)
        statusHistory = try await service.statusHistory(job: job.id)
        if withStreams { streams = try await service.streamRecords(job: job.id) }
    }

    init(job: Job) {
        id = job.id
        runbook = job.runbookName
        runbookDigest = job.runbookDigest
        runbookSource = job.runbookSource
        status = job.status.rawValue
        startReason = job.startReason.rawValue
        startedBy = job.startedBy
        account = job.accountName
        parameters = job.parameters
        targets = job.targets
        restarts = job.restarts
        restartLimit = job.restartLimit
        runOn = job.runOn
        worker = job.worker
        createdAt = job.createdAt
        startedAt = job.startedAt
        endedAt = job.endedAt
        // Milliseconds are the precision the store keeps; more digits would be noise.
        durationSeconds = job.duration(now: Date()).map { ($0 * 1000).rounded() / 1000 }
        exception = job.exception
        resumesBeforeStep = job.resumesBeforeStep
    }
}
