import Automation
import AutomationService
import AutomationStore
import Foundation
import Logging
import RunbookEngine
import ServiceLifecycle
import ServiceLifecycleTestKit
import TestSupport
import Testing

@testable import Scheduler

/// The wall-clock time the daemon reads, set by the test.
final class TimeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Date

    init(_ date: Date) { value = date }

    var now: Date { lock.withLock { value } }
    func set(_ date: Date) { lock.withLock { value = date } }
}

/// A log step that holds the first `holds` jobs Running until the test opens the gate.
actor Gate: ActionHandler {
    nonisolated let name = "log"
    private let holds: Int
    private var open = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private(set) var entered = 0

    init(holds: Int = .max) { self.holds = holds }

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        entered += 1
        if !open && entered <= holds { await withCheckedContinuation { waiting.append($0) } }
        return .succeeded
    }

    func release() {
        open = true
        for continuation in waiting { continuation.resume() }
        waiting = []
    }
}

/// The daemon's services with the clock and the time in the test's hands: nothing sleeps.
@Suite struct SchedulerServiceTests {
    let setup: SchedulerTickTests

    init() throws { setup = try SchedulerTickTests() }

    func date(_ text: String) -> Date { SchedulerTickTests.date(text) }

    func hourly(_ name: String, misfire: MisfirePolicy) -> Schedule {
        var schedule = setup.daily(name, misfire: misfire)
        schedule.recurrence = Recurrence(frequency: .hour, startTime: date("2026-11-25T02:00:00Z"), timeZone: "UTC")
        return schedule
    }

    @Test(arguments: [MisfirePolicy.runOnce, .skip])
    func aClockJumpOfADayAppliesTheMisfirePolicy(_ misfire: MisfirePolicy) async throws {
        defer { setup.cleanUp() }
        let store = try AutomationStore.open(folder: setup.folder)
        try store.saveSchedule(hourly("hourly", misfire: misfire), at: date("2026-11-25T01:00:00Z"))
        let time = TimeBox(date("2026-11-25T01:59:59Z"))
        let clock = ManualClock()
        let service = SchedulerService(
            tick: setup.makeTick(store), clock: clock, now: { time.now }, poll: .seconds(1), logger: setup.logger)
        try await testGracefulShutdown { shutdown in
            async let running: Void = service.run()
            await clock.waitForSleepers(1)  // the first pass found nothing due
            #expect(try store.jobCount() == 0)

            time.set(date("2026-11-25T02:00:00.500Z"))
            clock.advance(by: .seconds(1))
            await clock.waitForSleepers(1)
            #expect(try store.jobCount() == 1)
            // The job runs in a slot, in real time: the next fire is late, not overlapping, once it ended.
            for _ in 0..<600 where try store.jobs(JobFilter(limit: 1)).first?.status.isFinal != true {
                try await Task.sleep(for: .milliseconds(50))
            }

            // The wall clock jumps a day ahead between two polls: 24 fires are due at once.
            time.set(date("2026-11-26T02:30:00Z"))
            clock.advance(by: .seconds(1))
            await clock.waitForSleepers(1)
            let fires = try store.fires(schedule: "hourly", limit: 100)
            #expect(fires.count == 25)
            #expect(fires.filter { $0.status == .missed }.count == (misfire == .skip ? 24 : 23))
            #expect(try store.jobCount() == (misfire == .skip ? 1 : 2))
            if misfire == .runOnce {
                #expect(fires.first?.fireTime == date("2026-11-26T02:00:00Z"))
                #expect(fires.first?.reason == "late; misfire policy run-once")
            }

            shutdown.triggerGracefulShutdown()
            try await running
        }
    }

    @Test func shutdownLetsRunningJobsFinishAndStopsWaitingOnesWithAReason() async throws {
        defer { setup.cleanUp() }
        let store = try AutomationStore.open(folder: setup.folder)
        for name in ["first", "second"] {
            try store.saveSchedule(setup.daily(name), at: date("2026-11-24T12:00:00Z"))
        }
        let gate = Gate()
        let tick = SchedulerTick(
            store: store, library: RunbookLibrary(folder: setup.runbooks),
            runner: JobRunner(store: store, logger: setup.logger, actions: ["log": gate]), logger: setup.logger,
            concurrency: 1)
        let service = SchedulerService(
            tick: tick, clock: ManualClock(), now: { SchedulerTickTests.date("2026-11-25T02:00:05Z") },
            poll: .seconds(1), logger: setup.logger)
        try await testGracefulShutdown { shutdown in
            async let running: Void = service.run()
            while await gate.entered == 0 { try await pauseBetweenChecks() }
            shutdown.triggerGracefulShutdown()
            await gate.release()
            try await running
        }
        let jobs = try store.jobs(JobFilter(reason: .schedule))
        #expect(jobs.map(\.status).sorted { $0.rawValue < $1.rawValue } == [.completed, .stopped])
        let stopped = try #require(jobs.first { $0.status == .stopped })
        #expect(stopped.exception == "not started: the scheduler was shutting down before a slot was free")
        #expect(try store.statusHistory(job: stopped.id).map(\.status) == [.new, .stopped])
        #expect(await gate.entered == 1)
    }

    // A generous limit: on a loaded 2-core machine other suites' blocking waits can hold the
    // cooperative pool for a while; the body ends the service on every path, so a cancelled
    // run fails instead of hanging.
    @Test(.timeLimit(.minutes(5))) func aLongJobDoesNotHoldBackTheNextPass() async throws {
        defer { setup.cleanUp() }
        let store = try AutomationStore.open(folder: setup.folder)
        try store.saveSchedule(setup.daily("long"), at: date("2026-11-24T12:00:00Z"))
        var minutely = setup.daily("minutely")
        minutely.recurrence = Recurrence(frequency: .minute, startTime: date("2026-11-25T02:01:00Z"))
        try store.saveSchedule(minutely, at: date("2026-11-24T12:00:00Z"))
        let gate = Gate(holds: 1)
        let tick = SchedulerTick(
            store: store, library: RunbookLibrary(folder: setup.runbooks),
            runner: JobRunner(store: store, logger: setup.logger, actions: ["log": gate]), logger: setup.logger)
        let time = TimeBox(date("2026-11-25T02:00:05Z"))
        let clock = ManualClock()
        let service = SchedulerService(
            tick: tick, clock: clock, now: { time.now }, poll: .seconds(1), logger: setup.logger)
        try await testGracefulShutdown { shutdown in
            async let running: Void = service.run()
            do {
                await clock.waitForSleepers(1)
                while await gate.entered == 0 { try await pauseBetweenChecks() }  // the long job holds its slot

                time.set(date("2026-11-25T02:01:00.200Z"))
                clock.advance(by: .seconds(1))
                await clock.waitForSleepers(1)
                let minuteJob = try #require(try store.jobs(JobFilter(schedule: "minutely")).first)
                while try store.job(minuteJob.id)?.status != .completed { try await pauseBetweenChecks() }
                #expect(try store.jobs(JobFilter(schedule: "long")).first?.status == .running)
            } catch {
                await gate.release()
                shutdown.triggerGracefulShutdown()
                try? await running
                throw error
            }
            await gate.release()
            shutdown.triggerGracefulShutdown()
            try await running
        }
        #expect(try store.jobs(JobFilter(schedule: "long")).first?.status == .completed)
    }

    @Test func retentionPurgesOldFinishedJobsAtStartAndStopsOnShutdown() async throws {
        defer { setup.cleanUp() }
        let store = try AutomationStore.open(folder: setup.folder)
        let now = date("2026-11-25T12:00:00Z")
        for (id, age, status) in [
            ("old", 31.0, JobStatus.completed), ("old-suspended", 40, .suspended), ("recent", 29, .failed),
        ] {
            try store.createJob(
                Job(
                    id: id, runbookName: "hello", runbookDigest: String(repeating: "0", count: 64), runbookContent: "",
                    parameters: [:],
                    startReason: .manual, accountName: nil, status: status,
                    createdAt: now.addingTimeInterval(-age * 86_400), logVerbose: false, logProgress: false))
        }
        let clock = ManualClock()
        let service = RetentionService(
            store: AsyncAutomationStore(store), clock: clock, now: { now }, logger: setup.logger)
        try await testGracefulShutdown { shutdown in
            async let running: Void = service.run()
            await clock.waitForSleepers(1)
            shutdown.triggerGracefulShutdown()
            try await running
        }
        #expect(try store.job("old") == nil)
        #expect(try store.job("old-suspended") != nil)  // unfinished jobs are never purged
        #expect(try store.job("recent") != nil)
    }

    @Test func aPassResumesJobsQueuedForIt() async throws {
        defer { setup.cleanUp() }
        let store = try AutomationStore.open(folder: setup.folder)
        let content = try String(contentsOfFile: setup.runbooks + "/hello.yaml", encoding: .utf8)
        try store.createJob(
            Job(
                id: "parked", runbookName: "hello", runbookDigest: String(repeating: "0", count: 64),
                runbookContent: content,
                parameters: ["who": .string("later")], startReason: .manual, accountName: nil, status: .running,
                createdAt: date("2026-11-25T01:00:00Z"), logVerbose: false, logProgress: false))
        try store.suspend(job: "parked", atStep: 0, at: date("2026-11-25T01:00:01Z"), reason: "asked")
        guard case .queued = try store.queueResume(job: "parked", at: date("2026-11-25T01:00:02Z")) else {
            Issue.record("the resume was not queued")
            return
        }
        let report = try await setup.makeTick(store).tick(now: date("2026-11-25T01:00:03Z"))
        #expect(report.resumed == ["parked"])
        #expect(try store.job("parked")?.status == .completed)
        #expect(try store.streams(job: "parked").map(\.message) == ["hello later"])
        #expect(try await setup.makeTick(store).tick(now: date("2026-11-25T01:00:04Z")).resumed.isEmpty)
    }
}

/// A log step that runs until it is cancelled.
struct Endless: ActionHandler {
    let name = "log"

    func run(_ inputs: Value, context: ActionContext) async throws -> StepResult {
        while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
        return .failed("cancelled")
    }
}

@Suite struct ScheduleTimeoutTests {
    @Test func aSchedulesTimeoutStopsItsJobs() async throws {
        let setup = try SchedulerTickTests()
        defer { setup.cleanUp() }
        let store = try AutomationStore.open(folder: setup.folder)
        var schedule = setup.daily("limited")
        schedule.timeoutSeconds = 90
        try store.saveSchedule(schedule, at: SchedulerTickTests.date("2026-11-24T12:00:00Z"))
        let clock = ManualClock()
        let tick = SchedulerTick(
            store: store, library: RunbookLibrary(folder: setup.runbooks),
            runner: JobRunner(store: store, clock: clock, logger: setup.logger, actions: ["log": Endless()]),
            logger: setup.logger)
        async let pass = tick.tick(now: SchedulerTickTests.date("2026-11-25T02:00:05Z"))
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(89))
        #expect(try store.jobs(JobFilter()).first?.status == .running)
        clock.advance(by: .seconds(1))
        let report = try await pass
        let job = try #require(try store.job(report.started[0]))
        #expect(job.status == .stopped)
        #expect(job.exception == "job stopped: it ran longer than its 1m30s limit")
    }

}

/// Between checks of a condition: a short real sleep, not `Task.yield()`, whose busy loop can
/// starve the job it waits for on a loaded 2-core machine (each test's time limit bounds the wait).
func pauseBetweenChecks() async throws {
    try await Task.sleep(for: .milliseconds(2))
}
