/// Races a job's work against stop requests polled from the store.
enum StopWatch {
    /// The work's result, or nil when a stop was requested first (the work is then cancelled).
    static func race<T: Sendable>(
        _ work: @escaping @Sendable () async -> T, poll: Duration, clock: any Clock<Duration>,
        stopped: @escaping @Sendable () async -> Bool
    ) async -> T? {
        await withTaskGroup(of: T??.self) { group in
            group.addTask { .some(await work()) }
            group.addTask {
                while !Task.isCancelled {
                    do {
                        try await clock.sleep(for: poll)
                    } catch {
                        return nil
                    }
                    if await stopped() { return .some(nil) }
                }
                return nil
            }
            var result: T? = nil
            while let next = await group.next() {
                guard let finished = next else { continue }
                result = finished
                break
            }
            group.cancelAll()
            return result
        }
    }
}
