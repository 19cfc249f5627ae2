import Foundation

// A scheduler pass as the stores record it: what each enabled schedule's state is, and one
// transaction that records the pass's fires and claims each fire once, however many schedulers
// (nodes) share the store. The SQLite store (AutomationStore+Pass.swift) and the PostgreSQL
// store (PostgresStore+Pass.swift) implement it; Tests/StoreContractTests run both.

/// A scheduler pass's reads and its one write.
public protocol SchedulerPassStoring: Sendable {
    /// Every enabled schedule with its checkpoint, queued fire and whether its last job still runs.
    func passState() async throws -> [ScheduleState]
    /// Records a whole pass in one transaction: each schedule's fire records and checkpoint, and
    /// for each fire this pass claims (no scheduler recorded it before, or it moved out of queued
    /// here) its jobs in status New. Returns the jobs created, by schedule.
    func commitPass(_ plans: [FirePlan], at now: Date) async throws -> [String: [Job]]
}

/// What a scheduler pass needs to know of one schedule.
public struct ScheduleState: Sendable {
    public var schedule: Schedule
    /// Fires after this time are due: the schedule's checkpoint, or just before it was created.
    public var dueAfter: Date
    /// The latest fire waiting for the schedule's previous job (overlap policy queue).
    public var queuedFire: Date?
    /// A job this schedule started is running or about to (not final, not parked as Suspended:
    /// a suspended job waits for a person and must not hold the schedule's later fires back).
    public var hasActiveJob: Bool

    public init(schedule: Schedule, dueAfter: Date, queuedFire: Date?, hasActiveJob: Bool) {
        self.schedule = schedule
        self.dueAfter = dueAfter
        self.queuedFire = queuedFire
        self.hasActiveJob = hasActiveJob
    }
}

/// One fire's record in the history.
public struct FireEntry: Sendable, Hashable {
    public var time: Date
    public var status: FireStatus
    public var reason: String?

    public init(_ time: Date, _ status: FireStatus, _ reason: String?) {
        self.time = time
        self.status = status
        self.reason = reason
    }
}

/// The fire a pass starts for a schedule, with the jobs to create if the pass claims it.
public struct FireStart: Sendable {
    public var fire: Date
    /// The fire was recorded earlier as queued; the pass claims it by moving it out of queued.
    public var wasQueued: Bool
    /// One job per runbook link that loaded; they are created only if the fire is claimed.
    public var jobs: [Job]
    /// Links whose runbook could not be loaded or prepared, with the reason.
    public var failures: [String]

    public init(fire: Date, wasQueued: Bool, jobs: [Job], failures: [String]) {
        self.fire = fire
        self.wasQueued = wasQueued
        self.jobs = jobs
        self.failures = failures
    }
}

/// One schedule's part of a pass.
public struct FirePlan: Sendable {
    public var schedule: String
    public var records: [FireEntry]
    public var checkpoint: Date?
    public var start: FireStart?

    public init(schedule: String, records: [FireEntry], checkpoint: Date?, start: FireStart?) {
        self.schedule = schedule
        self.records = records
        self.checkpoint = checkpoint
        self.start = start
    }
}

/// What a scheduler reads and writes: its passes, the runbooks links start, and the jobs it runs.
public protocol SchedulerStoring: SchedulerPassStoring, RunbookStoring, JobRecording, JobStoring, AccountStoring {
    /// Jobs queued to resume (Resuming, held by no process or node), oldest first.
    func queuedResumes() async throws -> [String]
    /// The Hybrid Runbook Worker groups' workers: a fire's job for a group no agent works for
    /// is recorded Failed (`HybridWorkerStoring`).
    func hybridWorkers() async throws -> [HybridWorkerInfo]
}
