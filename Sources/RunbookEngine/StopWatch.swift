import Automation
import Synchronization

/// Races a job's work against stop and suspend requests polled from the store: a request
/// made from another process takes effect while a long step runs (a `wait`, a scan), not only
/// at the next step boundary.
enum StopWatch {
    enum Outcome<T: Sendable>: Sendable {
        case finished(T)
        /// A stop was requested (or the job ended elsewhere), by whom when known; the work was
        /// cancelled.
        case stopped(by: String?)
        /// A suspend was requested, by whom when known; the work was cancelled during the step
        /// it was running.
        case suspended(by: String?)
    }

    static func race<T: Sendable>(
        _ work: @escaping @Sendable () async -> T, poll: Duration, clock: any Clock<Duration>,
        asked: @escaping @Sendable () async -> JobStepRequests
    ) async -> Outcome<T> {
        await withTaskGroup(of: Outcome<T>?.self) { group in
            group.addTask { .finished(await work()) }
            group.addTask {
                while !Task.isCancelled {
                    do {
                        try await clock.sleep(for: poll)
                    } catch {
                        return nil
                    }
                    let requests = await asked()
                    if requests.stop { return .stopped(by: requests.requestedBy) }
                    if requests.suspend { return .suspended(by: requests.requestedBy) }
                }
                return nil
            }
            var result: Outcome<T>?
            while let next = await group.next() {
                guard let outcome = next else { continue }
                result = outcome
                break
            }
            group.cancelAll()
            return result ?? .stopped(by: nil)
        }
    }
}

/// The step a job is running, for a suspend that interrupts it (the resume starts there), and
/// when a `wait` in it ends, so that a suspended wait resumes with the time it has left.
final class StepCursor: Sendable {
    private struct State {
        var index = 0
        var name = ""
        var waitEnds: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    func enter(_ index: Int, _ name: String) { state.withLock { $0 = State(index: index, name: name) } }

    var current: (index: Int, name: String) { state.withLock { ($0.index, $0.name) } }

    /// The running step is a wait that ends at `end`.
    func waiting(until end: ContinuousClock.Instant) { state.withLock { $0.waitEnds = end } }

    /// Seconds the running wait has left (nil when the step is not waiting).
    func waitRemaining(at now: ContinuousClock.Instant = .now) -> Double? {
        state.withLock { state in
            state.waitEnds.map { end in
                let left = now < end ? now.duration(to: end) : .zero
                return Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
            }
        }
    }
}
