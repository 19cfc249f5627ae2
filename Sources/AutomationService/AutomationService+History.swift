import Automation
import AutomationStore
import Foundation

/// The job history as the command line reads it (ids by prefix, filters), its purge, and the
/// schedules' fire history.
extension AutomationService {
    /// Jobs matching the filter, newest first.
    public func jobs(matching filter: JobFilter) async throws(ServiceError) -> [Job] {
        try await storeCall { try await historyStore.jobs(filter) }
    }

    /// The job with this id or unique id prefix; nil when none matches.
    public func job(idOrPrefix id: String) async throws(ServiceError) -> Job? {
        try await storeCall { try await historyStore.job(idOrPrefix: id) }
    }

    public func statusHistory(job id: String) async throws(ServiceError) -> [JobStatusChange] {
        try await storeCall { try await historyStore.statusHistory(job: id) }
    }

    /// A job's stream records in the order they were written (one stream, or all).
    public func streamRecords(job id: String, kind: StreamKind? = nil) async throws(ServiceError) -> [StreamRecord] {
        try await storeCall { try await historyStore.streams(job: id, kind: kind) }
    }

    /// Deletes finished jobs created before `cutoff`, with their streams and history.
    public func purgeJobs(before cutoff: Date) async throws(ServiceError) -> Int {
        try await storeCall { try await historyStore.purgeJobs(before: cutoff, batch: 500) }
    }

    /// The fire of a schedule that started this job, if one did.
    public func fire(startingJob id: String) async throws(ServiceError) -> FireRecord? {
        try await storeCall { try await historyStore.fire(startingJob: id) }
    }

    /// A schedule's fires, newest first.
    public func fires(schedule name: String, limit: Int) async throws(ServiceError) -> [FireRecord] {
        try await storeCall { try await historyStore.fires(schedule: name, limit: limit) }
    }
}
