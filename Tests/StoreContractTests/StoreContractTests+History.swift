import Automation
import Foundation
import Testing

/// The job history as `runbook jobs list|show` reads it: filters, prefixes, timelines and the
/// fire that started a job, the same on every store.
extension StoreContractTests {
    @Test(arguments: StoreKind.available) func historyFiltersPrefixesTimelinesAndFires(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createJob(Self.job("aaaa-1", at: now, runbook: "r"))
            try await store.createJob(Self.job("aaaa-2", at: now.addingTimeInterval(1), runbook: "other"))
            try await store.createJob(Self.job("ab_c-3", at: now.addingTimeInterval(2), runbook: "r"))
            try await store.saveSchedule(Self.schedule("nightly"), replace: false, at: now)
            let fire = now.addingTimeInterval(60)
            let started = try await store.commitPass([Self.plan("nightly", fire: fire, node: "n")], at: fire)
            let scheduled = try #require(started["nightly"]?.first)

            #expect(
                try await store.jobs(JobFilter(limit: 10)).map(\.id) == [scheduled.id, "ab_c-3", "aaaa-2", "aaaa-1"])
            #expect(try await store.jobs(JobFilter(limit: 2)).count == 2)
            #expect(
                try await store.jobs(JobFilter(runbook: "r", limit: 10)).map(\.id) == [
                    scheduled.id, "ab_c-3", "aaaa-1",
                ])
            #expect(try await store.jobs(JobFilter(reason: .schedule, limit: 10)).map(\.id) == [scheduled.id])
            #expect(try await store.jobs(JobFilter(schedule: "nightly", limit: 10)).map(\.id) == [scheduled.id])
            #expect(try await store.jobs(JobFilter(schedule: "weekly", limit: 10)).isEmpty)
            let window = JobFilter(since: now.addingTimeInterval(1), until: now.addingTimeInterval(2), limit: 10)
            #expect(try await store.jobs(window).map(\.id) == ["aaaa-2"])
            #expect(try await store.jobs(JobFilter(status: .completed, limit: 10)).isEmpty)
            #expect(try await store.jobs(JobFilter(limit: 10)).last?.runbookContent == "name: r")

            #expect(try await store.job(idOrPrefix: "aaaa-1")?.runbookName == "r")
            #expect(try await store.job(idOrPrefix: "ab_c")?.id == "ab_c-3")
            // A wildcard in a prefix is a character, not a pattern.
            #expect(try await store.job(idOrPrefix: "a%") == nil)
            #expect(try await store.job(idOrPrefix: "ab_%") == nil)
            #expect(try await store.job(idOrPrefix: "aa_a") == nil)
            #expect(try await store.job(idOrPrefix: "aaa") == nil)  // too short for a prefix
            #expect(try await store.job(idOrPrefix: "AAAA-1") == nil)  // ids are case-sensitive
            #expect(try await store.job(idOrPrefix: "AB_C") == nil)
            await #expect(throws: StoreError.self) { try await store.job(idOrPrefix: "aaaa") }
            do {
                _ = try await store.job(idOrPrefix: "aaaa")
            } catch StoreError.ambiguousJob(let prefix, let matches) {
                #expect(prefix == "aaaa" && matches == 2)
            }

            _ = try await store.requestStop(job: "aaaa-1", at: now.addingTimeInterval(5), by: .commandLine)
            let timeline = try await store.statusHistory(job: "aaaa-1")
            #expect(timeline.map(\.status).first == .new && timeline.count == 2)
            #expect(timeline.first?.at == now)
            #expect(timeline.last?.at == now.addingTimeInterval(5))
            #expect(try await store.statusHistory(job: "none").isEmpty)

            let record = try #require(try await store.fire(startingJob: scheduled.id))
            #expect(record.scheduleName == "nightly" && record.fireTime == fire && record.status == .started)
            #expect(try await store.fire(startingJob: "aaaa-1") == nil)
            let second = fire.addingTimeInterval(60)
            _ = try await store.commitPass([Self.plan("nightly", fire: second, node: "n")], at: second)
            #expect(try await store.fires(schedule: "nightly", limit: 10).map(\.fireTime) == [second, fire])
            #expect(try await store.fires(schedule: "nightly", limit: 1).map(\.fireTime) == [second])
            #expect(try await store.fires(schedule: "weekly", limit: 10).isEmpty)
        }
    }
}

extension StoreContractTests {
    @Test(arguments: StoreKind.available) func purgeDeletesOnlyOldFinishedJobsInBatches(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let old = now.addingTimeInterval(-40 * 86_400)
            for index in 0..<7 {
                let status: JobStatus = [.completed, .failed, .stopped][index % 3]
                try await store.createJob(Self.job("old-\(index)", status: status, at: old))
            }
            try await store.createJob(Self.job("old-new", at: old))  // unfinished: never purged
            try await store.createJob(Self.job("old-suspended", status: .suspended, at: old))
            try await store.createJob(Self.job("recent", status: .completed, at: now))
            let deleted = try await store.purgeJobs(before: now.addingTimeInterval(-30 * 86_400), batch: 3)
            #expect(deleted == 7)
            #expect(try await store.job(exactly: "old-suspended") != nil)
            #expect(try await store.job(exactly: "old-new") != nil)
            #expect(try await store.job(exactly: "recent") != nil)
            for index in 0..<7 {
                #expect(try await store.job(exactly: "old-\(index)") == nil)
                #expect(try await store.statusHistory(job: "old-\(index)").isEmpty)
            }
            #expect(try await store.purgeJobs(before: now.addingTimeInterval(1), batch: 3) == 1)  // "recent"
        }
    }
}
