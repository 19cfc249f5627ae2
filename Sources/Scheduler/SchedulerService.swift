import Automation
import AutomationStore
import Foundation
import Logging
import ServiceLifecycle

/// The daemon's main service: a scheduler pass at each fire time and at least every `poll`,
/// until a graceful shutdown.
///
/// On graceful shutdown (SIGTERM or SIGINT through the service group) no new pass starts and
/// no waiting job takes a slot; jobs already running go on. The group's grace period then
/// cancels what still runs, and the runner records those jobs as Stopped with `interruption`.
/// The clock and the current time are injected: tests move both by hand.
public struct SchedulerService: Service {
    let tick: SchedulerTick
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let poll: Duration
    let logger: Logger

    public init(
        tick: SchedulerTick, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() }, poll: Duration, logger: Logger
    ) {
        self.tick = tick
        self.clock = clock
        self.now = now
        self.poll = poll
        self.logger = logger
    }

    public func run() async throws {
        let shuttingDown = OnceFlag()
        try await withGracefulShutdownHandler {
            while !shuttingDown.isSet && !Task.isCancelled {
                var wait = poll
                do {
                    let report = try await tick.tick(now: now(), mayStart: { !shuttingDown.isSet })
                    if !report.isEmpty { logger.info("\(report)") }
                    wait = Self.wait(until: report.nextDue, now: now(), poll: poll)
                } catch {
                    // A failed pass (the store busy or full) is retried at the next poll; fires
                    // it did not claim are still due then.
                    logger.error("scheduler pass failed", metadata: ["error": "\(error)"])
                }
                let clock = self.clock
                try? await cancelWhenGracefulShutdown { [wait] in try await clock.sleep(for: wait) }
            }
        } onGracefulShutdown: {
            shuttingDown.set()
            logger.info("shutting down: no new passes; running jobs may finish within the grace period")
        }
    }
}

extension SchedulerService {
    /// Sleep until the next fire is due, so that it starts on time, but never longer than the
    /// poll interval: new schedules, queued fires and resumes are picked up within it.
    static func wait(until nextDue: Date?, now: Date, poll: Duration) -> Duration {
        guard let nextDue else { return poll }
        let seconds = max(0, nextDue.timeIntervalSince(now))
        return min(poll, .nanoseconds(Int64(seconds * 1e9)))
    }
}

extension TickReport: CustomStringConvertible {
    public var description: String {
        var parts = ["started \(started.count) job(s)"]
        if !resumed.isEmpty { parts.append("resumed \(resumed.count)") }
        parts.append("\(missed) missed fire(s) recorded")
        parts.append("\(skipped) skipped")
        parts.append("\(failed.count) failed")
        if !notStarted.isEmpty { parts.append("\(notStarted.count) not started (shutting down)") }
        return parts.joined(separator: ", ")
    }
}
