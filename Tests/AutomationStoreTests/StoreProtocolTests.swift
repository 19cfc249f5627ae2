import Automation
import AutomationStore
import Foundation
import Testing

/// The store protocols the application layer reaches (`AutomationStoring`), exercised through
/// the protocols only: on an in-memory queue and on a file's pool (GRDB's two writers). A second
/// store implementation (PostgreSQL) is held to the same expectations.
@Suite struct StoreProtocolTests {
    enum Kind: String, CaseIterable, Sendable { case inMemory, file }

    static func stores(_ kind: Kind) throws -> any AutomationStoring {
        switch kind {
        case .inMemory: AsyncAutomationStore(try AutomationStore.inMemory())
        case .file:
            AsyncAutomationStore(
                try AutomationStore.open(folder: NSTemporaryDirectory() + "runbook-protocols-" + UUID().uuidString))
        }
    }

    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func job(_ id: String, status: JobStatus = .new, at date: Date) -> Job {
        Job(
            id: id, runbookName: "r", runbookDigest: String(repeating: "a", count: 64), runbookContent: "name: r",
            parameters: [:], startReason: .manual, accountName: nil, status: status, createdAt: date,
            logVerbose: false, logProgress: false)
    }

    @Test(arguments: Kind.allCases) func accounts(kind: Kind) async throws {
        let stores: any AccountStoring = try Self.stores(kind)
        #expect(try await stores.accounts().isEmpty)
        #expect(try await stores.defaultAccount() == nil)
        let workspace = Workspace(name: "logs", subscription: "s", resourceGroup: "g", region: Region.named("EastUS"))
        let account = Account(
            name: "a", subscription: "s", resourceGroup: "g", region: Region.named("EastUS2"), workspace: "logs")
        try await stores.createAccount(account, workspace: workspace, makeDefault: false, at: now)
        #expect(try await stores.accounts().map(\.account.name) == ["a"])
        #expect(try await stores.defaultAccount()?.account.name == "a")  // the first is the default
        await #expect(throws: StoreError.self) {
            try await stores.createAccount(account, workspace: workspace, makeDefault: false, at: now)
        }
    }

    @Test(arguments: Kind.allCases) func jobsAndTheirRequests(kind: Kind) async throws {
        let stores: any JobStoring = try Self.stores(kind)
        try await stores.createJob(job("j1", at: now))
        try await stores.createJob(job("j2", status: .completed, at: now.addingTimeInterval(1)))
        await #expect(throws: (any Error).self) { try await stores.createJob(job("j1", at: now)) }
        #expect(try await stores.job(exactly: "j1")?.status == .new)
        #expect(try await stores.job(exactly: "j") == nil)  // exact ids only
        #expect(try await stores.jobPage(JobQuery(limit: 10)).map(\.id) == ["j2", "j1"])
        #expect(try await stores.streams(job: "j1", kind: nil).isEmpty)
        #expect(try await stores.requestSuspend(job: "j1", at: now, by: .commandLine) == .requested)
        #expect(try await stores.job(exactly: "j1")?.status == .suspending)
        #expect(try await stores.requestStop(job: "j2", at: now, by: .commandLine) == .alreadyFinal(.completed))
        #expect(try await stores.requestStop(job: "nope", at: now, by: .commandLine) == .notFound)
        #expect(try await stores.queueResume(job: "j2", at: now) == .notSuspended(.completed))
    }

    @Test(arguments: Kind.allCases) func schedules(kind: Kind) async throws {
        let stores: any ScheduleStoring = try Self.stores(kind)
        let schedule = Schedule(
            name: "nightly", recurrence: Recurrence(frequency: .day, startTime: now),
            links: [ScheduleLink(runbook: "r")])
        try await stores.saveSchedule(schedule, replace: false, at: now)
        await #expect(throws: StoreError.self) { try await stores.saveSchedule(schedule, replace: false, at: now) }
        #expect(try await stores.schedule(named: "nightly") == schedule)
        #expect(try await stores.scheduleNames() == ["nightly"])
        #expect(try await stores.setScheduleEnabled("nightly", false, at: now))
        #expect(try await stores.schedules().map(\.enabled) == [false])
        #expect(try await !stores.setScheduleEnabled("other", true, at: now))
        #expect(try await stores.deleteSchedule(named: "nightly"))
        #expect(try await !stores.deleteSchedule(named: "nightly"))
        #expect(try await stores.schedule(named: "nightly") == nil)
    }

    @Test(arguments: Kind.allCases) func runbooks(kind: Kind) async throws {
        let stores: any RunbookStoring = try Self.stores(kind)
        let (created, first) = try await stores.saveRunbook(
            name: "r", type: "Yaml", description: "about", logVerbose: nil, logProgress: nil, at: now)
        #expect(first == .created && created.name == "r")
        let (_, second) = try await stores.saveRunbook(
            name: "r", type: "Yaml", description: nil, logVerbose: true, logProgress: nil, at: now)
        #expect(second == .updated)
        #expect(try await stores.runbookResource(named: "r")?.description == "about")
        #expect(try await stores.saveDraft(runbook: "r", content: "name: r", digest: "d", at: now))
        #expect(try await !stores.saveDraft(runbook: "x", content: "name: x", digest: "d", at: now))
        #expect(try await stores.publishDraft(runbook: "r", from: "api", at: now)?.published != nil)
        #expect(try await stores.runbookNames() == ["r"])
        #expect(try await stores.runbookResources(after: nil, limit: 10).map(\.name) == ["r"])
        #expect(try await stores.deleteRunbook(named: "r"))
        #expect(try await stores.runbookResource(named: "r") == nil)
    }

    @Test(arguments: Kind.allCases) func tokens(kind: Kind) async throws {
        let stores: any TokenStoring = try Self.stores(kind)
        let token = TokenInfo(id: "id1", name: "ci", role: .reader, createdAt: now)
        let hash = String(repeating: "ab", count: 32)
        try await stores.createToken(token, secretHash: hash)
        await #expect(throws: StoreError.self) { try await stores.createToken(token, secretHash: hash) }
        #expect(try await stores.tokenCredential(id: "id1") == TokenCredential(token: token, secretHash: hash))
        #expect(try await stores.markTokenUsed(id: "id1", at: now, unlessUsedAfter: now.addingTimeInterval(-60)))
        #expect(try await !stores.markTokenUsed(id: "id1", at: now, unlessUsedAfter: now.addingTimeInterval(-60)))
        #expect(try await stores.revokeToken(named: "ci", at: now))
        #expect(try await !stores.revokeToken(named: "other", at: now))
        #expect(try await stores.tokens().first?.revokedAt == now)
    }
}
