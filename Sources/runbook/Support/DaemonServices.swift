import Automation
import AutomationStore
import Foundation
import Logging
import RunbookEngine
import Scheduler
import ServiceLifecycle

/// The long-running services `runbook scheduler` and `runbook serve` share: the scheduler (its
/// passes and the job slots, fed also by `inbox`) and history retention.
enum DaemonServices {
    static func make(
        store: AutomationStore, library: RunbookLibrary, poll: Double, concurrency: Int, grace: Double,
        retention: String, logger: Logger, inbox: JobInbox? = nil
    ) -> (tick: SchedulerTick, services: [ServiceGroupConfiguration.ServiceConfiguration]) {
        let runner = JobRunner(
            store: store, logger: logger, stopPoll: .milliseconds(250),
            interruption: "the scheduler was shut down and its \(grace)s grace period ran out")
        let tick = SchedulerTick(
            store: store, library: library, runner: runner, logger: logger, concurrency: concurrency)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(
                service: SchedulerService(
                    tick: tick, poll: .milliseconds(Int(poll * 1000)), logger: logger, inbox: inbox),
                successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "scheduler")
        ]
        if retention != "off", let age = DurationText.parse(retention) {
            services.append(
                .init(
                    service: RetentionService(store: store, retention: Double(age.components.seconds), logger: logger),
                    successTerminationBehavior: .gracefullyShutdownGroup, serviceName: "retention"))
        }
        return (tick, services)
    }

    /// Logs at info on stderr (RUNBOOK_LOG_LEVEL changes it): the daemons say what they do.
    static func bootstrapLogging() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel =
                ProcessInfo.processInfo.environment["RUNBOOK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
    }
}
