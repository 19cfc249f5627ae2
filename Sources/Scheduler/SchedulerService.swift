import Automation
import Foundation
import Logging
import ServiceLifecycle

/// The daemon's main service: a scheduler pass at each fire time and at least every `poll`,
/// until a graceful shutdown; the jobs passes claim run in `concurrency` slots shared by all
/// passes, so a pass never waits for the jobs of the one before.
///
/// On graceful shutdown (SIGTERM or SIGINT through the service group) no new pass starts and
/// no waiting job takes a slot (it ends Stopped, with the reason); jobs already running go on. The group's grace period then
/// cancels what still runs, and the runner records those jobs as Stopped with `interruption`.
/// The clock and the current time are injected: tests move both by hand.
public struct SchedulerService: Service {
    let tick: SchedulerTick
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let poll: Duration
    let logger: Logger
    let inbox: JobInbox?

    public init(
        tick: SchedulerTick, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() }, poll: Duration, logger: Logger, inbox: JobInbox? = nil
    ) {
        self.inbox = inbox
        self.tick = tick
        self.clock = clock
        self.now = now
        self.poll = poll
        self.logger = logger
    }

    public func run() async throws {
        let shuttingDown = OnceFlag()
        await withGracefulShutdownHandler {
            await loop(shuttingDown)
        } onGracefulShutdown: { [inbox] in
            shuttingDown.set()
            inbox?.close()
            logger.info("shutting down: no new passes or jobs; running jobs may finish within the grace period")
        }
    }

    /// Passes and jobs in one task group: a pass claims fires and queues their jobs in slots
    /// shared by all passes, so a long job never holds back the next pass.
    private func loop(_ shuttingDown: OnceFlag) async {
        await withTaskGroup(of: SlotEvent.self) { group in
            var slots = JobSlots(tick: tick)
            var outcomes = TickReport()  // what became of the jobs; the runner logs each one
            var warnedInvalid: Set<String> = []  // once per schedule, not once per poll
            let clock = self.clock
            group.addTask { .passDue }
            if let inbox { group.addTask { .submitted(await inbox.next()) } }
            while let event = await group.next() {
                switch event {
                case .submitted(let item):
                    guard let item, let inbox else { break }
                    _ = slots.queue([item])
                    group.addTask { .submitted(await inbox.next()) }
                case .passDue:
                    guard !shuttingDown.isSet && !Task.isCancelled else { break }
                    var wait = poll
                    do {
                        let (claimed, pending) = try await tick.claim(now: now())
                        for (name, problems) in claimed.invalid.sorted(by: { $0.key < $1.key })
                        where warnedInvalid.insert(name).inserted {
                            logger.warning(
                                "invalid schedule skipped",
                                metadata: ["schedule.name": "\(name)", "reason": "\(problems.joined(separator: "; "))"])
                        }
                        Self.log(claimed, queued: slots.queue(pending), logger)
                        wait = Self.wait(until: claimed.nextDue, now: now(), poll: poll)
                    } catch {
                        // A failed pass (the store busy or full) is retried at the next poll;
                        // fires it did not claim are still due then.
                        logger.error("scheduler pass failed", metadata: ["error": "\(error)"])
                    }
                    group.addTask { [wait] in
                        try? await cancelWhenGracefulShutdown { try await clock.sleep(for: wait) }
                        return .passDue
                    }
                case .ended(let item, let ran):
                    do { try await slots.ended(item, ran: ran, report: &outcomes) } catch {
                        logger.error("job outcome not recorded", metadata: ["error": "\(error)"])
                    }
                }
                // Fill the free slots; once shutting down, waiting jobs end Stopped instead.
                do {
                    let left = try await slots.advance(&group, mayStart: !shuttingDown.isSet, report: &outcomes)
                    if left > 0 { logger.info("\(left) waiting job(s) not started: shutting down") }
                } catch {
                    logger.error("job outcome not recorded", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}

extension SchedulerService {
    /// One line per pass that did something: a thousand fires at once are one line, not a
    /// thousand (the runner still logs each job's start and end).
    static func log(_ claimed: TickReport, queued: [SchedulerTick.Pending], _ logger: Logger) {
        let jobs = queued.filter { if case .fire = $0 { true } else { false } }.count
        let resumes = queued.count - jobs
        guard jobs + resumes + claimed.missed + claimed.skipped + claimed.failed.count > 0 else { return }
        var parts = ["pass: \(jobs) job(s) created"]
        if resumes > 0 { parts.append("\(resumes) resume(s) queued") }
        parts.append("\(claimed.missed) missed fire(s) recorded")
        parts.append("\(claimed.skipped) skipped")
        parts.append("\(claimed.failed.count) failed")
        logger.info("\(parts.joined(separator: ", "))")
    }

    /// Sleep until the next fire is due, so that it starts on time, but never longer than the
    /// poll interval: new schedules, queued fires and resumes are picked up within it.
    /// Compared in seconds before any conversion: a fire centuries ahead is more nanoseconds
    /// than an Int64 holds.
    static func wait(until nextDue: Date?, now: Date, poll: Duration) -> Duration {
        guard let nextDue else { return poll }
        let seconds = max(0, nextDue.timeIntervalSince(now))
        let pollSeconds = Double(poll.components.seconds) + Double(poll.components.attoseconds) / 1e18
        guard seconds < pollSeconds else { return poll }
        return .nanoseconds(Int64(seconds * 1e9))
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
        if !invalid.isEmpty {
            parts.append(
                "\(invalid.count) invalid schedule(s) skipped (\(invalid.keys.sorted().joined(separator: ", ")))")
        }
        return parts.joined(separator: ", ")
    }
}
