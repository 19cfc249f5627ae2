import Automation
import Foundation
import Logging
import ServiceLifecycle

/// Keeps the job history to its retention period (Azure: 30 days): at start and then every
/// `interval`, finished jobs older than `retention` are deleted in small batches, so running
/// jobs never wait long for the store.
public struct RetentionService: Service {
    public static let defaultRetention: TimeInterval = 30 * 86_400

    let store: any JobPurging
    let retention: TimeInterval
    let interval: Duration
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        store: any JobPurging, retention: TimeInterval = RetentionService.defaultRetention,
        interval: Duration = .seconds(3600), clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.store = store
        self.retention = retention
        self.interval = interval
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    /// One purge; returns how many jobs were deleted.
    @discardableResult
    public func purgeOnce() async throws -> Int {
        let cutoff = now().addingTimeInterval(-retention)
        let deleted = try await store.purgeJobs(before: cutoff, batch: 500)
        if deleted > 0 {
            logger.info(
                "retention: deleted \(deleted) finished job(s)",
                metadata: ["retention.cutoff": "\(cutoff.formatted(.iso8601))"])
        }
        return deleted
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await purgeOnce()
            } catch {
                logger.error("retention purge failed; retried at the next interval", metadata: ["error": "\(error)"])
            }
            let clock = self.clock
            let interval = self.interval
            try? await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }
        }
    }
}
