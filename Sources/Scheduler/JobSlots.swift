import Automation

/// What wakes a loop that runs jobs: a job ended (it ran, or did not), or a pass is due.
enum SlotEvent: Sendable {
    case ended(SchedulerTick.Pending, ran: Bool)
    case passDue
    /// A job handed in through the inbox; nil when the inbox closed.
    case submitted(SchedulerTick.Pending?)
}

/// The slots jobs run in: at most `concurrency` at once, in the order they were queued, each
/// job queued once. One pass (`--once`) and the daemon (across all its passes) both run their
/// jobs through it.
struct JobSlots {
    let tick: SchedulerTick
    private var waiting: [SchedulerTick.Pending] = []
    private var queued: Set<String> = []  // job ids waiting or running
    private var running = 0

    init(tick: SchedulerTick) { self.tick = tick }

    /// Queues the items not queued yet (a Resuming job is listed by every pass until it runs);
    /// returns those.
    mutating func queue(_ items: [SchedulerTick.Pending]) -> [SchedulerTick.Pending] {
        let new = items.filter { queued.insert($0.jobId).inserted }
        waiting += new
        return new
    }

    /// Starts waiting jobs while slots are free, or, once `mayStart` says no, ends each waiting
    /// job Stopped (recorded in `report`); returns how many were left that way.
    @discardableResult
    mutating func advance(_ group: inout TaskGroup<SlotEvent>, mayStart: Bool, report: inout TickReport)
        async throws -> Int
    {
        guard mayStart else {
            let left = waiting
            waiting = []
            for item in left {
                queued.remove(item.jobId)
                // One job that cannot be recorded (it ended meanwhile) leaves the others recorded.
                do {
                    try await tick.record(item, ran: false, in: &report)
                } catch {
                    tick.logger.warning(
                        "a waiting job could not be recorded as not started",
                        metadata: ["job.id": "\(item.jobId)", "error": "\(error)"])
                }
            }
            return left.count
        }
        while running < tick.concurrency, !waiting.isEmpty {
            let item = waiting.removeFirst()
            running += 1
            group.addTask { [tick] in .ended(item, ran: await tick.run(item)) }
        }
        return 0
    }

    /// A job's slot is free again; records what became of it.
    mutating func ended(_ item: SchedulerTick.Pending, ran: Bool, report: inout TickReport) async throws {
        running -= 1
        queued.remove(item.jobId)
        try await tick.record(item, ran: ran, in: &report)
    }
}
