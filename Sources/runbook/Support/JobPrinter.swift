import Automation
import AutomationStore
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
    var statusHistory: [JobStatusChange]?
    var streams: [StreamRecord]?

    init(job: Job, store: AutomationStore? = nil, withStreams: Bool = false) throws {
        id = job.id
        runbook = job.runbookName
        runbookDigest = job.runbookDigest
        status = job.status.rawValue
        startReason = job.startReason.rawValue
        startedBy = job.startedBy
        account = job.accountName
        parameters = job.parameters
        targets = job.targets
        createdAt = job.createdAt
        startedAt = job.startedAt
        endedAt = job.endedAt
        durationSeconds = job.duration(now: Date())
        exception = job.exception
        resumesBeforeStep = job.resumesBeforeStep
        if let store {
            statusHistory = try store.statusHistory(job: job.id)
            if withStreams { streams = try store.streams(job: job.id) }
        }
    }
}
