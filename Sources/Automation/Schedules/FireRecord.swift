import Foundation

/// What happened to one fire of a schedule.
public enum FireStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case started, missed, skipped, queued, failed
}

/// One recorded fire of a schedule: started a job, or why it did not.
public struct FireRecord: Sendable, Hashable {
    public var scheduleName: String
    public var fireTime: Date
    public var status: FireStatus
    public var jobId: String?
    public var reason: String?

    public init(scheduleName: String, fireTime: Date, status: FireStatus, jobId: String?, reason: String?) {
        self.scheduleName = scheduleName
        self.fireTime = fireTime
        self.status = status
        self.jobId = jobId
        self.reason = reason
    }
}
