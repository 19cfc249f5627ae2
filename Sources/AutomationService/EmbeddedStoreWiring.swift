import Automation
import AutomationStore
import ChangeTracking
import Foundation
import Logging
import RunbookEngine
import Scheduler

// The use cases over the embedded store, wired here (the composition root) so that the engine,
// the collectors and the scheduler know only the store protocols. Tests and benchmarks use
// these too.

extension JobRunner {
    /// A runner on the embedded store: jobs, change tracking and KQL in one SQLite file.
    public init(
        store: AutomationStore,
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger,
        actions: [String: any ActionHandler] = BuiltinActions.byName,
        makeID: @escaping @Sendable () -> String = { UUID().uuidString.lowercased() },
        streamCap: Int = JobStreamWriter.defaultCap,
        stopPoll: Duration? = nil,
        interruption: String = "interrupted before it finished"
    ) {
        let wrapped = AsyncAutomationStore(store)
        self.init(
            recorder: wrapped, jobs: wrapped, tracking: wrapped, logStore: store, clock: clock, now: now,
            logger: logger,
            actions: actions, makeID: makeID, streamCap: streamCap, stopPoll: stopPoll, interruption: interruption)
    }
}

extension SchedulerTick {
    /// A pass over the embedded store.
    public init(
        store: AutomationStore, library: RunbookLibrary, runner: JobRunner, logger: Logger, concurrency: Int = 4
    ) {
        self.init(
            passStore: AsyncAutomationStore(store), library: library, runner: runner, logger: logger,
            concurrency: concurrency)
    }
}

extension ChangeTracking.Scanner {
    /// Scans into the embedded store.
    public init(store: AutomationStore, now: @escaping @Sendable () -> Date) {
        self.init(store: AsyncAutomationStore(store), now: now)
    }
}

extension TrackingConfiguration {
    /// Tracking settings in the embedded store.
    public init(store: AutomationStore, now: @escaping @Sendable () -> Date) {
        self.init(store: AsyncAutomationStore(store), now: now)
    }
}

extension TrackingEnablement {
    /// Enablement in the embedded store.
    public init(store: AutomationStore, now: @escaping @Sendable () -> Date) {
        self.init(store: AsyncAutomationStore(store), now: now)
    }
}
