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
    var runbookSource: String?
    var status: String
    var startReason: String
    var startedBy: String?
    var account: String?
    var parameters: [String: Value]
    var targets: [String]
    var createdAt: Date
    var startedAt: Date?
    var endedAt: Date?
    var durationSeconds: Double?
    var exception: String?
    /// While Suspended or Resuming: the step (1-based) a resume starts with.
    var resumesBeforeStep: Int?
    /// How many times recovery put it back in New, and how many it may be.
    var restarts: Int
    var restartLimit: Int
    var statusHistory: [JobStatusChange]?
    var streams: [StreamRecord]?

    enum CodingKeys: String, CodingKey {
        case id, runbook, runbookDigest, runbookSource, status, startReason, startedBy, account, parameters, targets,
            createdAt
        case startedAt, endedAt, durationSeconds, exception, resumesBeforeStep, restarts, restartLimit, statusHistory,
            streams
    }

    /// Every key is written, null when unset (schemas/json/job.schema.json).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(runbook, forKey: .runbook)
        try container.encode(runbookDigest, forKey: .runbookDigest)
        try container.encode(runbookSource, forKey: .runbookSource)
        try container.encode(status, forKey: .status)
        try container.encode(startReason, forKey: .startReason)
        try container.encode(startedBy, forKey: .startedBy)
        try container.encode(account, forKey: .account)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(targets, forKey: .targets)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(endedAt, forKey: .endedAt)
        try container.encode(durationSeconds, forKey: .durationSeconds)
        try container.encode(exception, forKey: .exception)
        try container.encode(resumesBeforeStep, forKey: .resumesBeforeStep)
        try container.encode(restarts, forKey: .restarts)
        try container.encode(restartLimit, forKey: .restartLimit)
        // The timeline and streams are present when the command reads them (show, run).
        try container.encodeIfPresent(statusHistory, forKey: .statusHistory)
        try container.encodeIfPresent(streams, forKey: .streams)
    }

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
        createdAt = job.createdAt
        startedAt = job.startedAt
        endedAt = job.endedAt
        // Milliseconds are the precision the store keeps; more digits would be noise.
        durationSeconds = job.duration(now: Date()).map { ($0 * 1000).rounded() / 1000 }
        exception = job.exception
        resumesBeforeStep = job.resumesBeforeStep
    }
}
