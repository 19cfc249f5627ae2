import Automation
import AutomationService
import AutomationStore
import Foundation
import Logging
import RunbookEngine
import Testing

@testable import Scheduler

/// The scheduler's pass, driven by explicit times, on a real SQLite file.
@Suite struct SchedulerTickTests {
    let folder = NSTemporaryDirectory() + "runbook-scheduler-" + UUID().uuidString
    let runbooks = NSTemporaryDirectory() + "runbook-scheduler-books-" + UUID().uuidString
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func date(_ text: String) -> Date { (try? Date(text, strategy: .iso8601)) ?? .distantPast }

    init() throws {
        try FileManager.default.createDirectory(atPath: runbooks, withIntermediateDirectories: true)
        try """
        name: hello
        parameters:
          who: { type: string, default: world }
        steps:
          - name: greet
            action: log
            with: { message: "hello ${{ params.who }}" }
        """.write(toFile: runbooks + "/hello.yaml", atomically: true, encoding: .utf8)
    }

    func makeTick(_ store: AutomationStore) -> SchedulerTick {
        SchedulerTick(
            store: store, library: RunbookLibrary(folder: runbooks), runner: JobRunner(store: store, logger: logger),
            logger: logger)
    }

    func daily(_ name: String = "daily", misfire: MisfirePolicy = .runOnce, overlap: OverlapPolicy = .skip) -> Schedule
    {
        Schedule(
            name: name,
            recurrence: Recurrence(frequency: .day, startTime: Self.date("2026-11-25T02:00:00Z"), timeZone: "UTC"),
            misfire: misfire, overlap: overlap, links: [ScheduleLink(runbook: "hello", parameters: ["who": "ops"])])
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: folder)
        try? FileManager.default.removeItem(atPath: runbooks)
    }

    @Test func aDueFireStartsItsJobExactlyOnce() async throws {
        defer { cleanUp() }
        let store = try AutomationStore.open(folder: folder)
        try store.saveSchedule(daily(), at: Self.date("2026-11-24T12:00:00Z"))
        let tick = makeTick(store)
        #expect(try await tick.tick(now: Self.date("2026-11-25T01:59:00Z")).started.isEmpty)
        let first = try await tick.tick(now: Self.date("2026-11-25T02:00:05Z"))
        #expect(first.started.count == 1)
        #expect(try await tick.tick(now: Self.date("2026-11-25T02:00:30Z")).started.isEmpty)
        let job = try #require(try store.job(first.started[0]))
        #expect(job.startReason == .schedule)
        #expect(job.startedBy == "daily")
        #expect(job.parameters["who"] == .string("ops"))
        #expect(try store.streams(job: job.id).map(\.message) == ["hello ops"])
        let fires = try store.fires(schedule: "daily")
        #expect(fires.map(\.status) == [.started])
        #expect(fires.first?.jobId == job.id)
    }

    /// A link with `runOn` leaves its job to the group's workers: recorded Failed, saying so,
    /// while no agent works for the group; else recorded New for a worker to claim, never run here.
    @Test func aLinkThatRunsOnAGroupLeavesItsJobToTheGroupsWorkers() async throws {
        defer { cleanUp() }
        let store = try AutomationStore.open(folder: folder)
        var schedule = daily()
        schedule.links = [ScheduleLink(runbook: "hello", parameters: ["who": "ops"], runOn: "g1")]
        try store.saveSchedule(schedule, at: Self.date("2026-11-24T12:00:00Z"))
        let tick = makeTick(store)
        let first = try await tick.tick(now: Self.date("2026-11-25T02:00:05Z"))
        #expect(first.started.isEmpty)
        let failed = try #require(try store.jobs(JobFilter()).first)
        #expect(failed.status == .failed && failed.runOn == "g1")
        #expect((failed.exception ?? "").contains("group 'g1' does not exist"), "\(failed.exception ?? "")")

        let machines = AsyncAutomationStore(store)
        try await machines.registerMachine(
            Machine(
                name: "web1", os: try #require(OperatingSystem("Ubuntu 22.04")), subscription: "s",
                resourceGroup: "g", location: try #require(Region("eastus2")), tags: [:],
                network: MachineNetwork(route: .direct, gateway: nil), source: .linuxRoot("/srv/web1")),
            replace: false, at: Date())
        try await machines.workerSeen(machine: "web1", groups: ["g1"], concurrency: 1, at: Date())
        let second = try await tick.tick(now: Self.date("2026-11-26T02:00:05Z"))
        #expect(second.started.isEmpty)
        let waiting = try #require(try store.jobs(JobFilter()).first { $0.id != failed.id })
        #expect(waiting.status == .new && waiting.runOn == "g1" && waiting.startedBy == "daily")
        let node = HybridWorkerInfo.nodeId(machine: "web1")
        try await machines.registerNode(id: node, host: "web1", pid: 4242)
        let claimed = try await machines.claimGroupJobs(node: node, groups: ["g1"], limit: 4, lease: .seconds(60))
        #expect(claimed.map(\.id) == [waiting.id])
    }

    @Test func twoSchedulersOnOneStoreNeverDoubleAFire() async throws {
        defer { cleanUp() }
        let setup = try AutomationStore.open(folder: folder)
        for index in 0..<20 {
            var schedule = daily("s\(index)")
            schedule.recurrence = Recurrence(frequency: .minute, startTime: Self.date("2026-11-25T00:00:00Z"))
            try setup.saveSchedule(schedule, at: Self.date("2026-11-24T23:00:00Z"))
        }
        // Two connections, as two processes would have, ticking the same minutes at once.
        let one = makeTick(try AutomationStore.open(folder: folder))
        let two = makeTick(try AutomationStore.open(folder: folder))
        var started = 0
        for minute in 0..<10 {
            let now = Self.date("2026-11-25T00:00:10Z").addingTimeInterval(Double(minute * 60))
            async let a = one.tick(now: now)
            async let b = two.tick(now: now)
            let (first, second) = try await (a, b)
            started += first.started.count + second.started.count
        }
        #expect(started == 200)
        #expect(try setup.jobCount() == 200)
        for index in 0..<20 {
            #expect(try setup.fires(schedule: "s\(index)", limit: 100).count == 10)
        }
    }

    @Test func afterDowntimeRunOnceRunsTheLatestAndRecordsTheRest() async throws {
        defer { cleanUp() }
        let store = try AutomationStore.open(folder: folder)
        try store.saveSchedule(daily(), at: Self.date("2026-11-24T12:00:00Z"))
        // The scheduler was down for a week.
        let report = try await makeTick(store).tick(now: Self.date("2026-12-01T12:00:00Z"))
        #expect(report.started.count == 1)
        #expect(report.missed == 6)
        let fires = try store.fires(schedule: "daily")
        #expect(fires.first?.fireTime == Self.date("2026-12-01T02:00:00Z"))
        #expect(fires.first?.reason == "late; misfire policy run-once")
        #expect(fires.dropFirst().allSatisfy { $0.status == .missed })
    }

    @Test func misfirePolicySkipRunsNothingLate() async throws {
        defer { cleanUp() }
        let store = try AutomationStore.open(folder: folder)
        try store.saveSchedule(daily(misfire: .skip), at: Self.date("2026-11-24T12:00:00Z"))
        let report = try await makeTick(store).tick(now: Self.date("2026-11-28T12:00:00Z"))
        #expect(report.started.isEmpty)
        #expect(report.missed == 4)
        #expect(try store.jobCount() == 0)
    }

    @Test func aDeletedRunbookFailsTheFireAndTheSchedulerGoesOn() async throws {
        defer { cleanUp() }
        let store = try AutomationStore.open(folder: folder)
        var broken = daily("broken")
        broken.links = [ScheduleLink(runbook: "gone")]
        try store.saveSchedule(broken, at: Self.date("2026-11-24T12:00:00Z"))
        try store.saveSchedule(daily("fine"), at: Self.date("2026-11-24T12:00:00Z"))
        let report = try await makeTick(store).tick(now: Self.date("2026-11-25T02:00:10Z"))
        #expect(report.failed == ["broken"])
        #expect(report.started.count == 1)
        let fire = try #require(try store.fires(schedule: "broken").first)
        #expect(fire.status == .failed)
        #expect(fire.reason == "runbook 'gone': no published runbook of that name (deleted, or never published)")
    }

    @Test func aSuspendedJobDoesNotHoldBackItsSchedule() async throws {
        defer { cleanUp() }
        let store = try AutomationStore.open(folder: folder)
        try store.saveSchedule(daily("parked"), at: Self.date("2026-11-24T12:00:00Z"))
        try store.createJob(
            Job(
                id: "suspended-one", runbookName: "hello", runbookDigest: String(repeating: "0", count: 64),
                runbookContent: "", parameters: [:], startReason: .schedule, startedBy: "parked", accountName: nil,
                status: .running, createdAt: Date(), logVerbose: false, logProgress: false))
        try store.suspend(job: "suspended-one", atStep: 0, at: Date(), reason: "waiting for a person")
        let report = try await makeTick(store).tick(now: Self.date("2026-11-25T02:00:10Z"))
        #expect(report.started.count == 1)
        #expect(report.skipped == 0)
    }

    @Test func overlapPoliciesWhileAJobStillRuns() async throws {
        defer { cleanUp() }
        let store = try AutomationStore.open(folder: folder)
        try store.saveSchedule(daily("skipper"), at: Self.date("2026-11-24T12:00:00Z"))
        try store.saveSchedule(daily("queuer", overlap: .queue), at: Self.date("2026-11-24T12:00:00Z"))
        for name in ["skipper", "queuer"] {
            try store.createJob(
                Job(
                    id: "running-\(name)", runbookName: "hello", runbookDigest: String(repeating: "0", count: 64),
                    runbookContent: "", parameters: [:], startReason: .schedule, startedBy: name, accountName: nil,
                    status: .running, createdAt: Date(), logVerbose: false, logProgress: false))
        }
        let tick = makeTick(store)
        let report = try await tick.tick(now: Self.date("2026-11-25T02:00:10Z"))
        #expect(report.started.isEmpty)
        #expect(report.skipped == 1)
        #expect(try store.fires(schedule: "skipper").first?.status == .skipped)
        #expect(try store.fires(schedule: "queuer").first?.status == .queued)
        try store.transition(job: "running-queuer", to: .completed, at: Date())
        let later = try await tick.tick(now: Self.date("2026-11-25T02:05:00Z"))
        #expect(later.started.count == 1)
        #expect(try store.fires(schedule: "queuer").first?.status == .started)
    }
}

/// Counts how many of its runs overlap.
actor Gauge {
    private(set) var current = 0
    private(set) var peak = 0
    func enter() {
        current += 1
        peak = max(peak, current)
    }
    func leave() { current -= 1 }
}

struct SlowLog: ActionHandler {
    let name = "log"
    let gauge: Gauge

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        await gauge.enter()
        try? await Task.sleep(for: .milliseconds(30))
        await gauge.leave()
        return .succeeded
    }
}

@Suite struct SchedulerConcurrencyTests {
    @Test func aPassRunsAtMostTheConcurrencyLimitAtOnce() async throws {
        let setup = try SchedulerTickTests()
        defer { setup.cleanUp() }
        let store = try AutomationStore.open(folder: setup.folder)
        for index in 0..<6 {
            try store.saveSchedule(setup.daily("s\(index)"), at: SchedulerTickTests.date("2026-11-24T12:00:00Z"))
        }
        let gauge = Gauge()
        let tick = SchedulerTick(
            store: store, library: RunbookLibrary(folder: setup.runbooks),
            runner: JobRunner(store: store, logger: setup.logger, actions: ["log": SlowLog(gauge: gauge)]),
            logger: setup.logger, concurrency: 2)
        let report = try await tick.tick(now: SchedulerTickTests.date("2026-11-25T02:00:10Z"))
        #expect(report.started.count == 6)
        #expect(await gauge.peak == 2)
        let jobs = try store.jobs(JobFilter(reason: .schedule))
        #expect(jobs.count == 6)
        #expect(jobs.allSatisfy { $0.status == .completed })
        for job in jobs {
            #expect(try store.statusHistory(job: job.id).map(\.status) == [.new, .activating, .running, .completed])
        }
    }
}
