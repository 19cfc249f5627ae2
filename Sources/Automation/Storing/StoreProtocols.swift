import Foundation

// The store as the application layer reaches it: narrow async protocols, one per concern, each
// method one atomic use-case operation with value types in and out. The SQLite store
// (AutomationStore's `AsyncAutomationStore`) implements them on GRDB's async access; a second
// store (PostgreSQL) implements the same. Errors are `StoreError`s.

/// Automation accounts and their linked workspaces.
public protocol AccountStoring: Sendable {
    /// Every account with its workspace, by name; an unreadable row is reported and skipped.
    func accounts() async throws -> [AccountState]
    /// The default account, if any account exists.
    func defaultAccount() async throws -> AccountState?
    /// Creates an account (checked against Azure's region pairs) and, if new, its workspace; one
    /// transaction. A taken name is `StoreError.alreadyExists`.
    func createAccount(_ account: Account, workspace: Workspace, makeDefault: Bool, at now: Date) async throws
}

/// An account's settings: which account is the default, and its limits profile.
public protocol AccountSettingStoring: Sendable {
    /// Makes the named account the default one; an unknown name is `StoreError.notFound`.
    func setDefaultAccount(_ name: String) async throws
    /// Sets the named (or the default) account's limits profile; returns its name and the
    /// profile it had. No such account is `StoreError.notFound` with a hint.
    func setProfile(_ profile: LimitsProfile, account name: String?) async throws -> (
        account: String, previous: LimitsProfile?
    )
}

/// Jobs: recorded, read, and asked to stop, suspend or resume (`JobLifecycle` decides, the store
/// applies the decision in one transaction).
public protocol JobStoring: Sendable {
    /// Inserts a job (New) with its first status row, owned by this process; a taken id throws.
    func createJob(_ job: Job) async throws
    /// One job by its exact id.
    func job(exactly id: String) async throws -> Job?
    /// A page of jobs, newest first (without their runbook content).
    func jobPage(_ query: JobQuery) async throws -> [Job]
    /// A job's stream records in the order they were written (one stream, or all).
    func streams(job id: String, kind: StreamKind?) async throws -> [StreamRecord]
    func requestStop(job id: String, at now: Date, by requester: JobRequester) async throws -> JobStopOutcome
    func requestSuspend(job id: String, at now: Date, by requester: JobRequester) async throws -> JobSuspendOutcome
    /// Suspended -> Resuming, for an executor to claim.
    func queueResume(job id: String, at now: Date) async throws -> JobResumeOutcome
}

/// The job history as the command line reads it (`runbook jobs list|show|output`), and the
/// schedules' fire history.
public protocol JobHistoryReading: Sendable {
    /// Jobs newest first (with their runbook content); an unreadable row is reported and skipped.
    func jobs(_ filter: JobFilter) async throws -> [Job]
    /// A job by full id or unique prefix (at least 4 characters); a prefix that matches several
    /// is `StoreError.ambiguousJob`, a row that cannot be read `StoreError.unreadable`.
    func job(idOrPrefix: String) async throws -> Job?
    /// The job's status changes in order.
    func statusHistory(job id: String) async throws -> [JobStatusChange]
    /// The schedule fire that started the job, if one did.
    func fire(startingJob id: String) async throws -> FireRecord?
    /// A schedule's recorded fires, newest first, at most `limit`.
    func fires(schedule name: String, limit: Int) async throws -> [FireRecord]
}

/// The job history's retention (`runbook scheduler|serve --retention`, Azure's 30 days).
public protocol JobPurging: Sendable {
    /// Deletes finished jobs (Completed, Failed, Stopped) created before `cutoff`, with their
    /// streams and status history, `batch` at a time so that running jobs never wait long;
    /// returns how many were deleted.
    func purgeJobs(before cutoff: Date, batch: Int) async throws -> Int
}

/// Runbooks as account resources: a draft and a published version.
public protocol RunbookStoring: Sendable {
    func runbookResource(named name: String) async throws -> RunbookResource?
    /// Runbooks by name after `after` (paging), at most `limit`.
    func runbookResources(after: String?, limit: Int) async throws -> [RunbookResource]
    func runbookNames() async throws -> [String]
    /// Creates a runbook without content, or updates its properties (content untouched).
    func saveRunbook(
        name: String, type: String, description: String?, logVerbose: Bool?, logProgress: Bool?, at now: Date
    ) async throws -> (RunbookResource, RunbookSaveOutcome)
    /// Replaces the draft (validated by the caller); false: no such runbook.
    func saveDraft(runbook name: String, content: String, digest: String, at now: Date) async throws -> Bool
    /// The draft becomes the published version; nil: no such runbook; throws without a draft.
    func publishDraft(runbook name: String, from source: String, at now: Date) async throws -> RunbookResource?
    /// False: no such runbook. Past jobs keep the content they ran.
    func deleteRunbook(named name: String) async throws -> Bool
}

/// Schedules with their links to runbooks (Azure's job schedules).
public protocol ScheduleStoring: Sendable {
    func schedules() async throws -> [Schedule]
    func schedule(named name: String) async throws -> Schedule?
    func scheduleNames() async throws -> [String]
    /// Creates a schedule, or replaces one of the same name with `replace` (else
    /// `StoreError.alreadyExists`).
    func saveSchedule(_ schedule: Schedule, replace: Bool, at now: Date) async throws
    /// False: no such schedule.
    func setScheduleEnabled(_ name: String, _ enabled: Bool, at now: Date) async throws -> Bool
    /// False: no such schedule. Works for a schedule whose stored definition cannot be read.
    func deleteSchedule(named name: String) async throws -> Bool
}

/// Bearer tokens of the HTTP API, stored as the hash of their secret.
public protocol TokenStoring: Sendable {
    /// A taken name is `StoreError.alreadyExists`.
    func createToken(_ token: TokenInfo, secretHash: String) async throws
    func tokens() async throws -> [TokenInfo]
    /// The token with this public id and its secret hash.
    func tokenCredential(id: String) async throws -> TokenCredential?
    /// The first revocation time is kept; false: no such token.
    func revokeToken(named name: String, at now: Date) async throws -> Bool
    /// Records a use unless one was recorded after `since`; true when it was recorded.
    func markTokenUsed(id: String, at now: Date, unlessUsedAfter since: Date) async throws -> Bool
}

/// `runbook apply`: an automation file's workspace, account, gateways, machines and schedules
/// in one transaction (existing items of the same name updated), all of it or nothing.
public protocol AutomationFileApplying: Sendable {
    func apply(_ file: AutomationFile, at now: Date) async throws -> ApplySummary
}

/// Everything the application layer asks of a store.
public typealias AutomationStoring = AccountStoring & AccountSettingStoring & JobStoring & JobHistoryReading
    & JobPurging & RunbookStoring
    & ScheduleStoring & TokenStoring & MachineStoring & ChangeTrackingStoring & ChangePageReading
    & AutomationFileApplying & AgentStoring & HybridWorkerStoring

/// A token with the hash its secret must match (for authentication only).
public struct TokenCredential: Sendable, Hashable {
    public var token: TokenInfo
    public var secretHash: String

    public init(token: TokenInfo, secretHash: String) {
        self.token = token
        self.secretHash = secretHash
    }
}

/// What saving a runbook's properties did.
public enum RunbookSaveOutcome: Sendable, Equatable { case created, updated }
