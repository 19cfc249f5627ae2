import Automation
import Foundation
import Testing

/// Exactly-once fires: schedulers (nodes) committing the same passes at once start each fire once.
extension StoreContractTests {
    static func scheduledJob(_ id: String, schedule: String, at date: Date) -> Job {
        var job = job(id, at: date)
        job.startReason = .schedule
        job.startedBy = schedule
        return job
    }

    static func plan(_ schedule: String, fire: Date, node: String, wasQueued: Bool = false) -> FirePlan {
        FirePlan(
            schedule: schedule, records: wasQueued ? [] : [FireEntry(fire, .started, nil)], checkpoint: fire,
            start: FireStart(
                fire: fire, wasQueued: wasQueued,
                jobs: [
                    scheduledJob("\(node)-\(schedule)-\(Int(fire.timeIntervalSince1970))", schedule: schedule, at: fire)
                ],
                failures: []))
    }

    @Test(arguments: StoreKind.available) func eachOfAThousandFiresStartsOnceUnderFourSchedulers(kind: StoreKind)
        async throws
    {
        try await kind.withStore { store async throws in
            let names = (0..<10).map { "s\($0)" }
            for name in names { try await store.saveSchedule(Self.schedule(name), replace: false, at: now) }
            let fires = (1...100).map { now.addingTimeInterval(Double($0) * 60) }
            let started = try await withThrowingTaskGroup(of: [String].self) { group in
                for node in 0..<4 {
                    group.addTask {
                        var mine: [String] = []
                        for fire in fires {
                            let plans = names.map { Self.plan($0, fire: fire, node: "n\(node)") }
                            mine += try await store.commitPass(plans, at: fire).values.flatMap { $0.map(\.id) }
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(started.count == 1000)
            #expect(Set(started).count == 1000)
            var stored: [String] = []
            var query = JobQuery(limit: 300)
            while true {
                let page = try await store.jobPage(query)
                stored += page.map(\.id)
                guard let last = page.last, page.count == 300 else { break }
                query.after = (last.createdAt, last.id)
            }
            #expect(Set(stored) == Set(started))
            let state = try await store.passState()
            #expect(state.map(\.schedule.name) == names)
            #expect(state.allSatisfy { $0.dueAfter == fires.last && $0.hasActiveJob && $0.queuedFire == nil })
        }
    }

    @Test(arguments: StoreKind.available) func aQueuedFireIsStartedOnce(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.saveSchedule(Self.schedule("q"), replace: false, at: now)
            let fire = now.addingTimeInterval(60)
            let waiting = FirePlan(
                schedule: "q", records: [FireEntry(fire, .queued, "waiting for the previous job")], checkpoint: fire,
                start: nil)
            #expect(try await store.commitPass([waiting], at: fire).isEmpty)
            #expect(try await store.passState().first?.queuedFire == fire)
            let started = try await withThrowingTaskGroup(of: [Job].self) { group in
                for node in 0..<4 {
                    group.addTask {
                        try await store.commitPass(
                            [Self.plan("q", fire: fire, node: "n\(node)", wasQueued: true)], at: fire)[
                                "q"] ?? []
                    }
                }
                return try await group.reduce(into: [Job]()) { $0 += $1 }
            }
            #expect(started.count == 1)
            #expect(try await store.passState().first?.queuedFire == nil)
        }
    }
}
