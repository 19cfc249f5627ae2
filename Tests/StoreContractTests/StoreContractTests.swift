import Automation
import Foundation
import Testing

/// What the application layer may rely on from any store (`AutomationStoring`), one suite run
/// against each implementation (`StoreKind.available`): the same calls, the same answers.
@Suite struct StoreContractTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    var now: Date { Self.now }

    static func job(
        _ id: String, status: JobStatus = .new, at date: Date = now, runbook: String = "r",
        restartLimit: Int = JobRestarts.defaultLimit
    ) -> Job {
        Job(
            id: id, runbookName: runbook, runbookDigest: String(repeating: "a", count: 64),
            runbookContent: "name: \(runbook)", parameters: ["n": .int(1)], startReason: .manual,
            accountName: nil, targets: ["web1"], status: status, createdAt: date, logVerbose: false,
            logProgress: true, restartLimit: restartLimit)
    }

    static let workspace = Workspace(
        name: "logs", subscription: "s", resourceGroup: "g", region: Region.test("EastUS"))

    static func account(_ name: String, subscription: String = "s") -> Account {
        Account(
            name: name, subscription: subscription, resourceGroup: "g", region: Region.test("EastUS2"),
            workspace: "logs")
    }

    @Test(arguments: StoreKind.available) func accounts(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            #expect(try await store.accounts().isEmpty)
            #expect(try await store.defaultAccount() == nil)
            try await store.createAccount(Self.account("b"), workspace: Self.workspace, makeDefault: false, at: now)
            #expect(try await store.defaultAccount()?.account.name == "b")  // the first is the default
            try await store.createAccount(Self.account("a"), workspace: Self.workspace, makeDefault: false, at: now)
            #expect(try await store.accounts().map(\.account.name) == ["a", "b"])
            #expect(try await store.accounts().map(\.isDefault) == [false, true])
            try await store.createAccount(Self.account("c"), workspace: Self.workspace, makeDefault: true, at: now)
            #expect(try await store.defaultAccount()?.account.name == "c")
            #expect(try await store.accounts().filter(\.isDefault).count == 1)
            let state = try #require(try await store.accounts().first)
            #expect(state.workspace == Self.workspace)
            #expect(state.account.profile == .azure)
            await #expect(throws: StoreError.self) {
                try await store.createAccount(Self.account("a"), workspace: Self.workspace, makeDefault: true, at: now)
            }
            // Azure's link rules: another subscription is refused, and nothing is stored.
            await #expect(throws: StoreError.self) {
                try await store.createAccount(
                    Self.account("d", subscription: "other"), workspace: Self.workspace, makeDefault: false, at: now)
            }
            #expect(try await store.accounts().count == 3)
        }
    }

    @Test(arguments: StoreKind.available) func concurrentFirstAccountsLeaveOneDefault(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await store.createAccount(
                            Self.account("a\(index)"), workspace: Self.workspace, makeDefault: false, at: Self.now)
                    }
                }
                try await group.waitForAll()
            }
            let accounts = try await store.accounts()
            #expect(accounts.count == 8)
            #expect(accounts.filter(\.isDefault).count == 1)
        }
    }

    @Test(arguments: StoreKind.available) func jobsAreStoredWhole(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            var job = Self.job("j1", status: .running)
            job.runbookContent = "name: r\u{0}after NUL"
            job.startedBy = "nightly"
            job.accountName = "a"
            job.checkpointStep = 2
            job.runbookSource = "published"
            job.startedAt = now
            try await store.createJob(job)
            #expect(try await store.job(exactly: "j1") == job)
            #expect(try await store.job(exactly: "j") == nil)  // exact ids only
            await #expect(throws: (any Error).self) { try await store.createJob(Self.job("j1")) }
            #expect(try await store.streams(job: "j1", kind: nil).isEmpty)
            #expect(try await store.streams(job: "j1", kind: .output).isEmpty)
        }
    }

    @Test(arguments: StoreKind.available) func jobPagesAreNewestFirstWithAKeysetCursor(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            for index in 0..<5 {
                try await store.createJob(
                    Self.job(
                        "j\(index)", status: index.isMultiple(of: 2) ? .completed : .failed,
                        at: now.addingTimeInterval(Double(index)), runbook: index < 3 ? "early" : "late"))
            }
            // Two jobs at the same time: the id breaks the tie.
            try await store.createJob(Self.job("k2", status: .completed, at: now.addingTimeInterval(2)))
            let all = try await store.jobPage(JobQuery(limit: 100))
            #expect(all.map(\.id) == ["j4", "j3", "j2", "k2", "j1", "j0"])
            #expect(all.allSatisfy { $0.runbookContent.isEmpty })  // lists leave the content out
            #expect(all.first?.parameters == ["n": .int(1)])
            #expect(all.first?.targets == ["web1"])
            let first = try await store.jobPage(JobQuery(limit: 3))
            #expect(first.map(\.id) == ["j4", "j3", "j2"])
            let last = try #require(first.last)
            let next = try await store.jobPage(JobQuery(after: (last.createdAt, last.id), limit: 3))
            #expect(next.map(\.id) == ["k2", "j1", "j0"])
            let failed = try await store.jobPage(
                JobQuery(conditions: [.init(field: .status, comparison: .eq, value: "Failed")]))
            #expect(failed.map(\.id) == ["j3", "j1"])
            let late = try await store.jobPage(
                JobQuery(conditions: [
                    .init(field: .runbookName, comparison: .eq, value: "late"),
                    .init(field: .createdAt, comparison: .ge, value: "", date: now.addingTimeInterval(4)),
                ]))
            #expect(late.map(\.id) == ["j4"])
            let notEnded = try await store.jobPage(
                JobQuery(conditions: [
                    .init(field: .lastModifiedAt, comparison: .lt, value: "", date: now.addingTimeInterval(1))
                ]))
            #expect(notEnded.map(\.id) == ["j0"])
            #expect(try await store.jobPage(JobQuery(limit: 0)).count == 1)  // at least one
        }
    }

    @Test(arguments: StoreKind.available) func stopSuspendAndResumeFollowTheLifecycle(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createJob(Self.job("run", status: .running))
            try await store.createJob(Self.job("done", status: .completed))
            try await store.createJob(Self.job("held", status: .suspended))
            #expect(try await store.requestSuspend(job: "run", at: now, by: .commandLine) == .requested)
            #expect(try await store.job(exactly: "run")?.status == .suspending)
            #expect(try await store.requestSuspend(job: "run", at: now, by: .commandLine) == .already(.suspending))
            #expect(try await store.queueResume(job: "run", at: now) == .notSuspended(.suspending))
            #expect(try await store.requestStop(job: "run", at: now, by: .token("ci")) == .requested)
            #expect(try await store.job(exactly: "run")?.status == .stopping)
            // The request says who asked, in the account's terms (issue 22, item 4).
            #expect(
                try await store.pendingRequests(job: "run")
                    == JobStepRequests(stop: true, suspend: true, requestedBy: "by token 'ci'"))
            // Already Stopping: requested again.
            #expect(try await store.requestStop(job: "run", at: now, by: .token("ci")) == .requested)
            #expect(try await store.job(exactly: "run")?.status == .stopping)
            #expect(try await store.requestStop(job: "done", at: now, by: .token("ci")) == .alreadyFinal(.completed))
            #expect(try await store.requestSuspend(job: "done", at: now, by: .commandLine) == .alreadyFinal(.completed))
            #expect(try await store.requestStop(job: "nope", at: now, by: .token("ci")) == .notFound)
            #expect(try await store.requestSuspend(job: "nope", at: now, by: .commandLine) == .notFound)
            #expect(try await store.queueResume(job: "nope", at: now) == .notFound)
            // A job no process runs stops at once, and its exception says who stopped it.
            try await store.createJob(Self.job("parked", status: .running))
            try await store.suspend(job: "parked", atStep: 0, at: now, reason: "asked", waitRemaining: nil)
            #expect(try await store.requestStop(job: "parked", at: now, by: .portal("ops")) == .stoppedNow)
            #expect(
                try await store.job(exactly: "parked")?.exception
                    == "Stop requested by token 'ops' in the portal: the job was stopped while suspended")
            guard case .queued(let resumed) = try await store.queueResume(job: "held", at: now) else {
                Issue.record("a Suspended job is queued for resume")
                return
            }
            #expect(resumed.status == .resuming)
            #expect(resumed.exception == nil)
            #expect(resumed.runbookContent == "name: r")
            #expect(try await store.queueResume(job: "held", at: now) == .notSuspended(.resuming))
        }
    }

    @Test(arguments: StoreKind.available) func concurrentRequestsOnOneJobDecideOnce(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createJob(Self.job("busy", status: .running))
            let outcomes = try await withThrowingTaskGroup(of: JobSuspendOutcome.self) { group in
                for _ in 0..<12 {
                    group.addTask { try await store.requestSuspend(job: "busy", at: Self.now, by: .commandLine) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .requested }.count == 1)
            #expect(outcomes.filter { $0 == .already(.suspending) }.count == 11)
            #expect(try await store.job(exactly: "busy")?.status == .suspending)
        }
    }
}
