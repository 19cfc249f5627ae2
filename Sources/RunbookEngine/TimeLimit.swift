/// Races work against a clock; the loser is cancelled.
enum TimeLimit {
    enum Outcome<T: Sendable>: Sendable {
        case finished(T)
        case timedOut
    }

    static func run<T: Sendable>(
        _ limit: Duration, clock: any Clock<Duration>, _ work: @escaping @Sendable () async -> T
    ) async -> Outcome<T> {
        await withTaskGroup(of: Outcome<T>?.self) { group in
            group.addTask { .finished(await work()) }
            group.addTask {
                do {
                    try await clock.sleep(for: limit)
                    return .timedOut
                } catch {
                    return nil
                }
            }
            var outcome: Outcome<T> = .timedOut
            while let next = await group.next() {
                guard let next else { continue }
                outcome = next
                break
            }
            group.cancelAll()
            return outcome
        }
    }
}
