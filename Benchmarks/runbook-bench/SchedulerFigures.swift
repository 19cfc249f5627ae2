import Automation
import AutomationService
import AutomationStore
import Foundation
import Logging
import RunbookEngine
import Scheduler

/// One scheduler pass over 1,000 no-op schedules due at the same instant, in process, on a
/// real store file: how long the claim takes, the lag from due time to Running, throughput.
/// The daemon's figure (bench/scheduler-benchmarks.sh) adds only its wake-up to this.
enum SchedulerFigures {
    static func pass(folder: String, schedules: Int, concurrency: Int) async throws {
        try? FileManager.default.removeItem(atPath: folder)
        let books = folder + "/books"
        try FileManager.default.createDirectory(atPath: books, withIntermediateDirectories: true)
        try "name: noop\nsteps:\n  - { name: n, action: log, with: { message: tick } }\n"
            .write(toFile: books + "/noop.yaml", atomically: true, encoding: .utf8)
        let store = try AutomationStore.open(folder: folder + "/store")
        let due = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.up) * 60 + 60)
        for index in 0..<schedules {
            try store.saveSchedule(
                Schedule(
                    name: "s\(index)", recurrence: Recurrence(frequency: .minute, startTime: due),
                    links: [ScheduleLink(runbook: "noop")]), at: due.addingTimeInterval(-120))
        }
        let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let started = ContinuousClock.now
        let tick = SchedulerTick(
            store: store, library: RunbookLibrary(folder: books), runner: JobRunner(store: store, logger: logger),
            logger: logger, concurrency: concurrency)
        // The pass believes it is the due time; lags are measured on the real clock from its start.
        let report = try await tick.tick(now: due)
        let elapsed = ContinuousClock.now - started
        let jobs = try store.jobs(JobFilter(reason: .schedule, limit: schedules))
        let offset =
            Date().timeIntervalSince(due) - Double(elapsed.components.seconds)
            - Double(elapsed.components.attoseconds) / 1e18
        let lags = try jobs.compactMap { job in
            try store.statusHistory(job: job.id).first { $0.status == .running }.map {
                ($0.at.timeIntervalSince(due) - offset) * 1000
            }
        }.sorted()
        let claims = jobs.map { ($0.createdAt.timeIntervalSince(due) - offset) * 1000 }.sorted()
        func p(_ values: [Double], _ fraction: Double) -> String {
            String(format: "%.1f", values[min(values.count - 1, Int(Double(values.count) * fraction))])
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "\(report.started.count) jobs, concurrency \(concurrency): claimed p99 \(p(claims, 0.99)) ms; "
                + "due to Running p50 \(p(lags, 0.5)) ms, p99 \(p(lags, 0.99)) ms, first \(p(lags, 0)) ms; "
                + String(format: "%.0f jobs/s", Double(report.started.count) / seconds))
    }
}
