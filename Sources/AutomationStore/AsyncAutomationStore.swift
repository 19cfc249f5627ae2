import Automation
import Foundation
import GRDB

/// The SQLite store behind the application layer's store protocols: each operation is one
/// transaction on GRDB's async access, so a caller (a request handler) never blocks a thread on
/// SQLite. The transaction bodies are the ones the synchronous methods run (the command line,
/// the runbook engine and the scheduler still call those).
public struct AsyncAutomationStore: Sendable {
    public let store: AutomationStore

    public init(_ store: AutomationStore) {
        self.store = store
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await store.asyncRead(body)
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await store.asyncWrite(body)
    }
}

extension AsyncAutomationStore: AccountStoring {
    public func accounts() async throws -> [AccountState] {
        try await read { [store] db in try store.accounts(db) }
    }

    public func defaultAccount() async throws -> AccountState? {
        try await read(AutomationStore.defaultAccount)
    }

    public func createAccount(_ account: Account, workspace: Workspace, makeDefault: Bool, at now: Date) async throws {
        try await write { db in
            try AutomationStore.createAccount(db, account, workspace: workspace, makeDefault: makeDefault, at: now)
        }
    }
}

extension AsyncAutomationStore: JobHistoryReading {
    public func jobs(_ filter: JobFilter) async throws -> [Job] {
        try await read { [store] db in try store.jobs(db, filter) }
    }

    public func job(idOrPrefix: String) async throws -> Job? {
        try await read { db in try AutomationStore.job(db, idOrPrefix: idOrPrefix) }
    }

    public func statusHistory(job id: String) async throws -> [JobStatusChange] {
        try await read { [store] db in try store.statusHistory(db, job: id) }
    }

    public func fire(startingJob id: String) async throws -> FireRecord? {
        try await read { [store] db in try store.fire(db, startingJob: id) }
    }

    public func fires(schedule name: String, limit: Int) async throws -> [FireRecord] {
        try await read { [store] db in try store.fires(db, schedule: name, status: nil, limit: limit) }
    }
}

extension AsyncAutomationStore: JobPurging {
    public func purgeJobs(before cutoff: Date, batch: Int) async throws -> Int {
        let batch = max(1, batch)
        var total = 0
        while true {
            let deleted = try await write { db in try AutomationStore.purgeBatch(db, before: cutoff, batch: batch) }
            total += deleted
            if deleted < batch { return total }
        }
    }
}

extension AsyncAutomationStore: JobStoring {
    public func createJob(_ job: Job) async throws {
        try await write { db in try AutomationStore.insert(db, job, owner: .current) }
    }

    public func job(exactly id: String) async throws -> Job? {
        try await store.job(exactly: id)
    }

    public func jobPage(_ query: JobQuery) async throws -> [Job] {
        try await store.jobPage(query)
    }

    public func streams(job id: String, kind: StreamKind?) async throws -> [StreamRecord] {
        try await read { [store] db in try store.streams(db, job: id, kind: kind) }
    }

    public func requestStop(job id: String, at now: Date, by requester: JobRequester) async throws -> JobStopOutcome {
        try await write { db in try AutomationStore.requestStop(db, job: id, at: now, by: requester) }
    }

    public func requestSuspend(job id: String, at now: Date, by requester: JobRequester) async throws
        -> JobSuspendOutcome
    {
        try await write { db in try AutomationStore.requestSuspend(db, job: id, at: now, by: requester) }
    }

    public func queueResume(job id: String, at now: Date) async throws -> JobResumeOutcome {
        try await write { db in try AutomationStore.queueResume(db, job: id, at: now) }
    }
}

extension AsyncAutomationStore: RunbookStoring {
    public func runbookResource(named name: String) async throws -> RunbookResource? {
        try await store.runbookResource(named: name)
    }

    public func runbookResources(after: String?, limit: Int) async throws -> [RunbookResource] {
        try await store.runbookResources(after: after, limit: limit)
    }

    public func runbookNames() async throws -> [String] {
        try await read(AutomationStore.runbookNames)
    }

    public func saveRunbook(
        name: String, type: String, description: String?, logVerbose: Bool?, logProgress: Bool?, at now: Date
    ) async throws -> (RunbookResource, RunbookSaveOutcome) {
        try await store.saveRunbook(
            name: name, type: type, description: description, logVerbose: logVerbose, logProgress: logProgress,
            at: now)
    }

    public func saveDraft(runbook name: String, content: String, digest: String, at now: Date) async throws -> Bool {
        try await store.saveDraft(runbook: name, content: content, digest: digest, at: now)
    }

    public func publishDraft(runbook name: String, from source: String, at now: Date) async throws -> RunbookResource? {
        try await store.publishDraft(runbook: name, from: source, at: now)
    }

    public func deleteRunbook(named name: String) async throws -> Bool {
        try await store.deleteRunbook(named: name)
    }
}

extension AsyncAutomationStore: ScheduleStoring {
    public func schedules() async throws -> [Schedule] {
        try await read { [store] db in try store.schedules(db) }
    }

    public func schedule(named name: String) async throws -> Schedule? {
        try await read { [store] db in try store.schedule(db, named: name) }
    }

    public func scheduleNames() async throws -> [String] {
        try await read(AutomationStore.scheduleNames)
    }

    public func saveSchedule(_ schedule: Schedule, replace: Bool, at now: Date) async throws {
        try await write { db in try AutomationStore.save(schedule, replace: replace, db: db, at: now) }
    }

    public func setScheduleEnabled(_ name: String, _ enabled: Bool, at now: Date) async throws -> Bool {
        try await write { db in try AutomationStore.setScheduleEnabled(db, name, enabled, at: now) }
    }

    public func deleteSchedule(named name: String) async throws -> Bool {
        try await write { db in try AutomationStore.deleteSchedule(db, named: name) }
    }
}

extension AsyncAutomationStore: TokenStoring {
    public func createToken(_ token: TokenInfo, secretHash: String) async throws {
        try await store.createToken(token, secretHash: secretHash)
    }

    public func tokens() async throws -> [TokenInfo] {
        try await store.tokens()
    }

    public func tokenCredential(id: String) async throws -> TokenCredential? {
        try await store.tokenCredential(id: id)
    }

    public func revokeToken(named name: String, at now: Date) async throws -> Bool {
        try await store.revokeToken(named: name, at: now)
    }

    public func markTokenUsed(id: String, at now: Date, unlessUsedAfter since: Date) async throws -> Bool {
        try await store.markTokenUsed(id: id, at: now, unlessUsedAfter: since)
    }
}
