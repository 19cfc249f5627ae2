import Foundation

/// Job statuses as Azure's REST API names them.
public enum JobStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case new = "New"
    case activating = "Activating"
    case running = "Running"
    case completed = "Completed"
    case failed = "Failed"
    case stopped = "Stopped"
    case stopping = "Stopping"
    case suspended = "Suspended"
    case suspending = "Suspending"
    case resuming = "Resuming"
    case blocked = "Blocked"
    case disconnected = "Disconnected"

    public var isFinal: Bool { self == .completed || self == .failed || self == .stopped }

    /// Whether a scan of a job stored in this status may commit (the stores' fence): while the
    /// job runs, including when a stop or suspend is asked for (the step ends first); one that
    /// ended or was suspended meanwhile belongs to no runner any more.
    public static func scanMayCommit(_ stored: String) -> Bool {
        [JobStatus.running, .stopping, .suspending].contains { $0.rawValue == stored }
    }

    /// Every status a job can still leave.
    public static let unfinished = allCases.filter { !$0.isFinal }

    /// `('New', 'Activating', ...)`: an IN list, which the store's status index serves (a NOT IN
    /// over the final statuses would read the whole history).
    public static let unfinishedSQL = "(" + unfinished.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    /// `('Completed', 'Failed', 'Stopped')`: the statuses a job never leaves, as an IN list.
    public static let finalSQL =
        "(" + allCases.filter(\.isFinal).map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
}

extension Duration {
    /// The duration in seconds, fractions included (a lease's length for SQL intervals).
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// The time this long before `date` (`--since 2d`, a retention's cutoff).
    public func before(_ date: Date) -> Date {
        date.addingTimeInterval(-inSeconds)
    }
}

/// A job's output streams as Azure names them.
public enum StreamKind: String, Sendable, Hashable, CaseIterable, Codable {
    case output = "Output"
    case warning = "Warning"
    case error = "Error"
    case verbose = "Verbose"
    case progress = "Progress"
    case debug = "Debug"

    /// Streams a runbook step may write to.
    public static let writable: [StreamKind] = allCases
}

/// Who or what started a job.
public enum StartReason: String, Sendable, Hashable, CaseIterable, Codable {
    case manual
    case schedule
    case parent
}

/// Where actions write their stream records; the engine stores them and shows them live.
public protocol StreamSink: Sendable {
    func write(_ kind: StreamKind, _ message: String) async
}

/// Names typed by people match in any capitalisation: `failed`, `Failed`.
public protocol CaseInsensitiveName: CaseIterable, RawRepresentable where RawValue == String {}

extension CaseInsensitiveName {
    public init?(caseInsensitive text: String) {
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            return nil
        }
        self = match
    }
}

extension JobStatus: CaseInsensitiveName {}
extension StreamKind: CaseInsensitiveName {}
