import Automation
import AutomationService
import AutomationStore
import Foundation
import Logging
import RunbookEngine
import Testing

@testable import Scheduler

/// Issue 8 (item 4): a store that already holds an out-of-range schedule never takes a pass down.
@Suite struct InvalidScheduleTests {
    let folder = NSTemporaryDirectory() + "runbook-invalid-schedule-" + UUID().uuidString
    let runbooks = NSTemporaryDirectory() + "runbook-invalid-books-" + UUID().uuidString
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func date(_ text: String) -> Date { (try? Date(text, strategy: .iso8601)) ?? .distantPast }

    init() throws {
        try FileManager.default.createDirectory(atPath: runbooks, withIntermediateDirectories: true)
        try "name: hello\nsteps:\n  - { name: greet, action: log, with: { message: hello } }\n"
            .write(toFile: runbooks + "/hello.yaml", atomically: true, encoding: .utf8)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: folder)
        try? FileManager.default.removeItem(atPath: runbooks)
    }

    func schedule(_ name: String, _ frequency: ScheduleFrequency, interval: Int = 1, timeout: Int? = nil) -> Schedule {
        Schedule(
            name: name,
            recurrence: Recurrence(
                frequency: frequency, interval: interval, startTime: Self.date("2026-11-25T02:00:00Z"),
                weekDays: frequency == .week ? [.wednesday] : [], monthDays: frequency == .month ? [25] : []),
            timeoutSeconds: timeout, links: [ScheduleLink(runbook: "hello")])
    }

    @Test func outOfRangeSchedulesAreSkippedAndTheOthersRun() async throws {
        defer { cleanUp() }
        let store = try AutomationStore.open(folder: folder)
        let created = Self.date("2026-11-24T12:00:00Z")
        // Saved straight into the store, as an older version or a hand edit could leave them.
        for frequency in [ScheduleFrequency.minute, .hour, .day, .week, .month] {
            try store.saveSchedule(
                schedule("huge-\(frequency.rawValue)", frequency, interval: Int.max), at: created)
        }
        try store.saveSchedule(schedule("long-timeout", .day, timeout: Int(Int64.max)), at: created)
        try store.saveSchedule(schedule("daily", .day), at: created)
        let tick = SchedulerTick(
            store: store, library: RunbookLibrary(folder: runbooks), runner: JobRunner(store: store, logger: logger),
            logger: logger)
        let report = try await tick.tick(now: Self.date("2026-11-25T02:00:05Z"))
        #expect(report.started.count == 1)
        #expect(
            report.invalid.keys.sorted() == [
                "huge-Day", "huge-Hour", "huge-Minute", "huge-Month", "huge-Week", "long-timeout",
            ])
        #expect(
            report.invalid["huge-Hour"]
                == ["interval: \(Int.max) is out of range for a Hour schedule (1 to 87600)"])
        #expect(report.nextDue == Self.date("2026-11-26T02:00:00Z"))
        #expect("\(report)".contains("6 invalid schedule(s) skipped"))
    }

    /// A OneTime fire 400 years ahead once trapped the daemon converting the wait to nanoseconds.
    @Test func aFireCenturiesAheadWaitsOnePoll() {
        let now = Self.date("2026-11-25T02:00:00Z")
        let far = Self.date("2426-11-25T02:00:00Z")
        #expect(SchedulerService.wait(until: far, now: now, poll: .seconds(1)) == .seconds(1))
        #expect(
            SchedulerService.wait(until: now.addingTimeInterval(0.5), now: now, poll: .seconds(1))
                == .milliseconds(500))
    }
}
