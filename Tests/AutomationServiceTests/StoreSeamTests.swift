import Automation
import AutomationService
import AutomationStore
import Foundation
import Synchronization
import Testing

/// The API's use cases reach the store only through the store protocols: a service over a
/// decorator that records each call sees every read and write go through it.
@Suite struct StoreSeamTests {
    @Test func theApiUseCasesGoThroughTheStoreProtocols() async throws {
        let store = try AutomationStore.inMemory()
        let recorded = RecordingStores(AsyncAutomationStore(store))
        let service = AutomationService(store: store, stores: recorded)

        let (_, created) = try await service.createAccount(
            subscription: "s", resourceGroup: "g", name: "acct", location: "EastUS2")
        #expect(created)
        let (_, secret) = try await service.createToken(name: "ci")
        _ = try await service.authenticate(authorization: "Bearer " + secret)
        _ = try await service.saveSchedule(
            Schedule(name: "nightly", recurrence: Recurrence(frequency: .day, startTime: Date())))
        try await service.setScheduleEnabled("nightly", false)
        #expect(try await service.schedules().map(\.enabled) == [false])
        _ = try await service.saveRunbook(
            name: "r", type: "Yaml", description: nil, logVerbose: nil, logProgress: nil)
        await #expect(throws: ServiceError.self) { _ = try await service.job(id: UUID().uuidString) }

        let calls = recorded.calls
        for call in [
            "accounts", "createAccount", "createToken", "tokenCredential", "markTokenUsed", "saveSchedule",
            "setScheduleEnabled", "schedules", "saveRunbook", "job",
        ] {
            #expect(calls.contains(call), "\(call) not in \(calls)")
        }
    }

    /// Two nodes creating one schedule at once: the one whose insert loses replaces it (200 to
    /// the API, as a second PUT would get), never a conflict.
    @Test func aScheduleCreatedByTwoRequestsAtOnceIsCreatedOnceAndReplacedOnce() async throws {
        let store = try AutomationStore.inMemory()
        let stores = RecordingStores(AsyncAutomationStore(store))
        let service = AutomationService(store: store, stores: stores)
        let nightly = Schedule(name: "nightly", recurrence: Recurrence(frequency: .day, startTime: Date()))
        #expect(try await service.saveSchedule(nightly))
        stores.staleScheduleReads.withLock { $0 = 1 }  // this request's read missed the first insert
        var replaced = nightly
        replaced.description = "second"
        #expect(try await service.saveSchedule(replaced) == false)
        #expect(try await service.schedule(named: "nightly").description == "second")
    }

    /// A database out of reach says nothing about the token: 503 (clients retry), never 401.
    @Test func aStoreOutOfReachIsUnavailableNotUnauthorized() async throws {
        let store = try AutomationStore.inMemory()
        let stores = RecordingStores(AsyncAutomationStore(store))
        let service = AutomationService(store: store, stores: stores)
        let (_, secret) = try await service.createToken(name: "ci")
        stores.tokenFailure.withLock {
            $0 = .cannotOpen(path: "postgresql://db/x", reason: "nothing listens on db port 5432")
        }
        do {
            _ = try await service.authenticate(authorization: "Bearer " + secret)
            Issue.record("authenticated without a store")
        } catch {
            #expect(error.httpStatus == 503 && error.exitCode == 74, "\(error)")
            #expect(error.description.contains("nothing listens on db port 5432"))
        }
    }
}

/// Forwards every store call to `inner` and records its name. Faults a test may set: the next
/// `staleScheduleReads` schedule reads answer nil (another node's insert not seen yet), and
/// token reads throw `tokenFailure` (a database that cannot be reached).
final class RecordingStores: AutomationStoring {
    let inner: any AutomationStoring
    private let names = Mutex<[String]>([])
    var calls: [String] { names.withLock { $0 } }
    let staleScheduleReads = Mutex(0)
    let tokenFailure = Mutex<StoreError?>(nil)

    init(_ inner: any AutomationStoring) { self.inner = inner }

    private func note(_ name: String = #function) {
        let bare = String(name.prefix { $0 != "(" })
        names.withLock { $0.append(bare) }
    }

    func accounts() async throws -> [AccountState] {
        note()
        return try await inner.accounts()
    }
    func defaultAccount() async throws -> AccountState? {
        note()
        return try await inner.defaultAccount()
    }
    func createAccount(_ account: Account, workspace: Workspace, makeDefault: Bool, at now: Date) async throws {
        note()
        try await inner.createAccount(account, workspace: workspace, makeDefault: makeDefault, at: now)
    }
    func createJob(_ job: Job) async throws {
        note()
        try await inner.createJob(job)
    }
    func job(exactly id: String) async throws -> Job? {
        note()
        return try await inner.job(exactly: id)
    }
    func jobPage(_ query: JobQuery) async throws -> [Job] {
        note()
        return try await inner.jobPage(query)
    }
    func jobs(_ filter: JobFilter) async throws -> [Job] {
        note()
        return try await inner.jobs(filter)
    }
    func job(idOrPrefix: String) async throws -> Job? {
        note()
        return try await inner.job(idOrPrefix: idOrPrefix)
    }
    func statusHistory(job id: String) async throws -> [JobStatusChange] {
        note()
        return try await inner.statusHistory(job: id)
    }
    func fire(startingJob id: String) async throws -> FireRecord? {
        note()
        return try await inner.fire(startingJob: id)
    }
    func fires(schedule name: String, limit: Int) async throws -> [FireRecord] {
        note()
        return try await inner.fires(schedule: name, limit: limit)
    }
    func purgeJobs(before cutoff: Date, batch: Int) async throws -> Int {
        note()
        return try await inner.purgeJobs(before: cutoff, batch: batch)
    }
    func streams(job id: String, kind: StreamKind?) async throws -> [StreamRecord] {
        note()
        return try await inner.streams(job: id, kind: kind)
    }
    func requestStop(job id: String, at now: Date, by requester: JobRequester) async throws -> JobStopOutcome {
        note()
        return try await inner.requestStop(job: id, at: now, by: requester)
    }
    func requestSuspend(job id: String, at now: Date, by requester: JobRequester) async throws -> JobSuspendOutcome {
        note()
        return try await inner.requestSuspend(job: id, at: now, by: requester)
    }
    func queueResume(job id: String, at now: Date) async throws -> JobResumeOutcome {
        note()
        return try await inner.queueResume(job: id, at: now)
    }
    func runbookResource(named name: String) async throws -> RunbookResource? {
        note()
        return try await inner.runbookResource(named: name)
    }
    func runbookResources(after: String?, limit: Int) async throws -> [RunbookResource] {
        note()
        return try await inner.runbookResources(after: after, limit: limit)
    }
    func runbookNames() async throws -> [String] {
        note()
        return try await inner.runbookNames()
    }
    func saveRunbook(
        name: String, type: String, description: String?, logVerbose: Bool?, logProgress: Bool?, at now: Date
    ) async throws -> (RunbookResource, RunbookSaveOutcome) {
        note()
        return try await inner.saveRunbook(
            name: name, type: type, description: description, logVerbose: logVerbose, logProgress: logProgress,
            at: now)
    }
    func saveDraft(runbook name: String, content: String, digest: String, at now: Date) async throws -> Bool {
        note()
        return try await inner.saveDraft(runbook: name, content: content, digest: digest, at: now)
    }
    func publishDraft(runbook name: String, from source: String, at now: Date) async throws -> RunbookResource? {
        note()
        return try await inner.publishDraft(runbook: name, from: source, at: now)
    }
    func deleteRunbook(named name: String) async throws -> Bool {
        note()
        return try await inner.deleteRunbook(named: name)
    }
    func schedules() async throws -> [Schedule] {
        note()
        return try await inner.schedules()
    }
    func schedule(named name: String) async throws -> Schedule? {
        note()
        let stale = staleScheduleReads.withLock { count in
            defer { count = max(0, count - 1) }
            return count > 0
        }
        return stale ? nil : try await inner.schedule(named: name)
    }
    func scheduleNames() async throws -> [String] {
        note()
        return try await inner.scheduleNames()
    }
    func saveSchedule(_ schedule: Schedule, replace: Bool, at now: Date) async throws {
        note()
        try await inner.saveSchedule(schedule, replace: replace, at: now)
    }
    func setScheduleEnabled(_ name: String, _ enabled: Bool, at now: Date) async throws -> Bool {
        note()
        return try await inner.setScheduleEnabled(name, enabled, at: now)
    }
    func deleteSchedule(named name: String) async throws -> Bool {
        note()
        return try await inner.deleteSchedule(named: name)
    }
    func createToken(_ token: TokenInfo, secretHash: String) async throws {
        note()
        try await inner.createToken(token, secretHash: secretHash)
    }
    func tokens() async throws -> [TokenInfo] {
        note()
        return try await inner.tokens()
    }
    func tokenCredential(id: String) async throws -> TokenCredential? {
        note()
        if let failure = tokenFailure.withLock({ $0 }) { throw failure }
        return try await inner.tokenCredential(id: id)
    }
    func revokeToken(named name: String, at now: Date) async throws -> Bool {
        note()
        return try await inner.revokeToken(named: name, at: now)
    }
    func markTokenUsed(id: String, at now: Date, unlessUsedAfter since: Date) async throws -> Bool {
        note()
        return try await inner.markTokenUsed(id: id, at: now, unlessUsedAfter: since)
    }
    func enrollAgent(_ machine: Machine, agent: AgentInfo, secretHash: String, at now: Date) async throws {
        note()
        try await inner.enrollAgent(machine, agent: agent, secretHash: secretHash, at: now)
    }
    func agentCredential(id: String) async throws -> AgentCredential? {
        note()
        return try await inner.agentCredential(id: id)
    }
    func agents() async throws -> [AgentInfo] {
        note()
        return try await inner.agents()
    }
    func agentSeen(machine: String, beat: AgentBeat, at now: Date) async throws {
        note()
        try await inner.agentSeen(machine: machine, beat: beat, at: now)
    }
    func revokeAgent(machine: String, at now: Date) async throws -> Bool {
        note()
        return try await inner.revokeAgent(machine: machine, at: now)
    }
    func workerSeen(machine: String, groups: [String], concurrency: Int, at now: Date) async throws {
        note()
        try await inner.workerSeen(machine: machine, groups: groups, concurrency: concurrency, at: now)
    }
    func hybridWorkers() async throws -> [HybridWorkerInfo] {
        note()
        return try await inner.hybridWorkers()
    }
    func removeHybridWorker(group: String, machine: String) async throws -> Bool {
        note()
        return try await inner.removeHybridWorker(group: group, machine: machine)
    }
    func removeHybridWorkerGroup(_ group: String) async throws -> Bool {
        note()
        return try await inner.removeHybridWorkerGroup(group)
    }
    func claimGroupJobs(node id: String, groups: [String], limit: Int, lease: Duration) async throws -> [Job] {
        note()
        return try await inner.claimGroupJobs(node: id, groups: groups, limit: limit, lease: lease)
    }
    func workerHolds(node: String, job id: String) async throws -> Bool {
        note()
        return try await inner.workerHolds(node: node, job: id)
    }
    func suspendJobsWithoutWorkers(waitedLongerThan window: Duration) async throws -> [RecoveredJob] {
        note()
        return try await inner.suspendJobsWithoutWorkers(waitedLongerThan: window)
    }
    func workerRecorder(node: String) -> any JobRecording {
        note()
        return inner.workerRecorder(node: node)
    }
    func registerNode(id: String, host: String, pid: Int, lease: Duration) async throws {
        note()
        try await inner.registerNode(id: id, host: host, pid: pid, lease: lease)
    }
    func heartbeat(node id: String, lease: Duration) async throws -> [String] {
        note()
        return try await inner.heartbeat(node: id, lease: lease)
    }
    func claimNewJobs(node id: String, limit: Int, lease: Duration) async throws -> [Job] {
        note()
        return try await inner.claimNewJobs(node: id, limit: limit, lease: lease)
    }
    func releaseJobs(node id: String, _ jobs: [String]) async throws {
        note()
        try await inner.releaseJobs(node: id, jobs)
    }
    func recoverExpiredLeases() async throws -> [RecoveredJob] {
        note()
        return try await inner.recoverExpiredLeases()
    }
    func nodes() async throws -> [NodeInfo] {
        note()
        return try await inner.nodes()
    }
    func stopNode(id: String) async throws {
        note()
        try await inner.stopNode(id: id)
    }
}
