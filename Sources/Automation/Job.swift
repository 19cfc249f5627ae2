import Foundation

/// A job as the history keeps it.
public struct Job: Sendable, Codable, Hashable {
    public var id: String
    public var runbookName: String
    /// SHA-256 of the runbook content that ran.
    public var runbookDigest: String
    public var runbookContent: String
    public var parameters: [String: Value]
    public var startReason: StartReason
    /// The schedule or parent job that started it; nil for a manual start.
    public var startedBy: String?
    public var accountName: String?
    /// Machines the job acted on.
    public var targets: [String]
    public var status: JobStatus
    public var createdAt: Date
    public var startedAt: Date?
    public var endedAt: Date?
    public var exception: String?
    public var logVerbose: Bool
    public var logProgress: Bool
    /// Index of the step running now, or, while Suspended, of the step a resume starts from.
    public var checkpointStep: Int?
    /// Which version ran: `published`, or the file it was loaded from (an author's test run).
    public var runbookSource: String?
    /// How many times recovery put it back in New after its process or node died.
    public var restarts: Int
    /// How many restarts it may have (`JobRestarts`); 0: none.
    public var restartLimit: Int
    /// Seconds left of the `wait` step it was suspended in the middle of; a resume waits only
    /// these (nil: it was suspended at a boundary, or in another step).
    public var waitRemaining: Double?
    /// The Hybrid Runbook Worker group it runs on; nil: on the account's own nodes.
    public var runOn: String?
    /// For a group's job: the machine whose worker claimed it last (nil until one does, and after
    /// recovery put it back to wait). Read from the store, never written through the job.
    public var worker: String?

    /// Who started it, as every front end says it: `manual`, or `schedule (nightly)`,
    /// `manual (portal:ops)`.
    public var startedByText: String {
        startedBy.map { "\(startReason.rawValue) (\($0))" } ?? startReason.rawValue
    }

    public init(
        id: String, runbookName: String, runbookDigest: String, runbookContent: String,
        parameters: [String: Value], startReason: StartReason, startedBy: String? = nil, accountName: String?,
        targets: [String] = [], status: JobStatus = .new, createdAt: Date, startedAt: Date? = nil,
        endedAt: Date? = nil, exception: String? = nil, logVerbose: Bool, logProgress: Bool,
        checkpointStep: Int? = nil, runbookSource: String? = nil, restarts: Int = 0,
        restartLimit: Int = JobRestarts.defaultLimit, waitRemaining: Double? = nil, runOn: String? = nil
    ) {
        self.id = id
        self.runbookName = runbookName
        self.runbookDigest = runbookDigest
        self.runbookContent = runbookContent
        self.parameters = parameters
        self.startReason = startReason
        self.startedBy = startedBy
        self.accountName = accountName
        self.targets = targets
        self.status = status
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.exception = exception
        self.logVerbose = logVerbose
        self.logProgress = logProgress
        self.checkpointStep = checkpointStep
        self.runbookSource = runbookSource
        self.restarts = restarts
        self.restartLimit = restartLimit
        self.waitRemaining = waitRemaining
        self.runOn = runOn
    }

    /// The step (1-based) a resume starts with, while the job is Suspended or Resuming.
    public var resumesBeforeStep: Int? {
        guard status == .suspended || status == .resuming else { return nil }
        return (checkpointStep ?? 0) + 1
    }

    /// `waitRemaining` as a duration, within what a wait can be (0 to a day): the stored number
    /// is data, and a hand-edited one (NaN, 1e300) must not trap where it is turned into time.
    public var waitLeft: Duration? {
        guard let seconds = waitRemaining, seconds.isFinite else { return nil }
        return .milliseconds(Int64((min(max(seconds, 0), 86_400) * 1000).rounded(.up)))
    }

    /// Time from start to end, or to `now` while running.
    public func duration(now: Date) -> TimeInterval? {
        guard let startedAt else { return nil }
        return (endedAt ?? now).timeIntervalSince(startedAt)
    }
}

public struct JobStatusChange: Sendable, Codable, Hashable {
    public var status: JobStatus
    public var at: Date

    public init(status: JobStatus, at: Date) {
        self.status = status
        self.at = at
    }
}

/// One record in one of a job's streams.
public struct StreamRecord: Sendable, Codable, Hashable {
    public var seq: Int
    public var stream: StreamKind
    public var at: Date
    public var message: String

    public init(seq: Int, stream: StreamKind, at: Date, message: String) {
        self.seq = seq
        self.stream = stream
        self.at = at
        self.message = message
    }
}

/// Filters for listing jobs, newest first.
public struct JobFilter: Sendable, Hashable {
    public var runbook: String?
    public var status: JobStatus?
    public var reason: StartReason?
    /// Only jobs started by this schedule.
    public var schedule: String?
    /// Only jobs created at or after / before these times.
    public var since: Date?
    public var until: Date?
    public var limit: Int

    public init(
        runbook: String? = nil, status: JobStatus? = nil, reason: StartReason? = nil, schedule: String? = nil,
        since: Date? = nil, until: Date? = nil, limit: Int = 20
    ) {
        self.runbook = runbook
        self.status = status
        self.reason = reason
        self.schedule = schedule
        self.since = since
        self.until = until
        self.limit = limit
    }
}

/// A machine with its tracking state.
public struct MachineState: Sendable, Hashable {
    public var machine: Machine
    /// Enabled solutions and when each was enabled.
    public var solutions: [Solution: Date]
    public var registeredAt: Date

    public init(machine: Machine, solutions: [Solution: Date], registeredAt: Date) {
        self.machine = machine
        self.solutions = solutions
        self.registeredAt = registeredAt
    }
}

/// An account with its linked workspace, as the store holds them.
public struct AccountState: Sendable, Hashable {
    public var account: Account
    public var workspace: Workspace
    public var isDefault: Bool

    public init(account: Account, workspace: Workspace, isDefault: Bool) {
        self.account = account
        self.workspace = workspace
        self.isDefault = isDefault
    }
}
