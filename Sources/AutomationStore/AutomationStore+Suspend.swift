import Automation
import Foundation
import GRDB

/// Suspend and resume (Azure's Suspending -> Suspended -> Resuming -> Running). A suspended job
/// belongs to no process: it waits in the store with the step it resumes from.
extension AutomationStore {
    public typealias SuspendOutcome = JobSuspendOutcome
    public typealias ResumeOutcome = JobResumeOutcome

    /// Asks the process running a job to suspend it at its next step boundary: the job moves to
    /// Suspending now. One transaction.
    public func requestSuspend(job id: String, at now: Date, by requester: JobRequester = .commandLine) throws
        -> SuspendOutcome
    {
        try writer.write { db in try Self.requestSuspend(db, job: id, at: now, by: requester) }
    }

    static func requestSuspend(_ db: Database, job id: String, at now: Date, by requester: JobRequester) throws
        -> SuspendOutcome
    {
        guard let record = try JobRecord.fetchOne(db, key: id) else { return .notFound }
        switch JobLifecycle.suspend(JobStatus(rawValue: record.status) ?? .failed) {
        case .alreadyFinal(let status): return .alreadyFinal(status)
        case .already(let status): return .already(status)
        case .request:
            try db.execute(
                sql: "UPDATE job SET suspendRequestedAt = ?, requestedBy = ? WHERE id = ?",
                arguments: [now, requester.phrase, id])
            try Self.transition(db, job: id, to: .suspending, at: now)
            return .requested
        }
    }

    /// What was asked of a job from another process, as a step boundary reads it.
    public typealias PendingRequests = JobStepRequests

    /// A step boundary: reads whether a stop or a suspend was asked for and, unless a stop
    /// was, records `step` as the job's checkpoint, after moving it through `entering` (New ->
    /// Activating -> Running when it starts, Resuming -> Running on resume; nothing between
    /// steps). One transaction, so that starting and the first boundary cost one commit.
    public func stepBoundary(job id: String, entering: [JobStatus] = [], step: Int, at now: Date) throws
        -> PendingRequests
    {
        try writer.write { db in try Self.stepBoundary(db, job: id, entering: entering, step: step, at: now) }
    }

    static func stepBoundary(_ db: Database, job id: String, entering: [JobStatus], step: Int, at now: Date) throws
        -> PendingRequests
    {
        do {
            // Whether a request was made, not when: a value that is not a date still counts.
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT stopRequestedAt IS NOT NULL OR status IN \(JobStatus.finalSQL) AS stop,
                            suspendRequestedAt IS NOT NULL AS suspend, requestedBy
                        FROM job WHERE id = ?
                        """),
                arguments: [id])
            let stored = row.map(StoredRow.init)
            let asked = PendingRequests(
                stop: try stored?.bool("stop") ?? false, suspend: try stored?.bool("suspend") ?? false,
                requestedBy: try stored?.optionalText("requestedBy"))
            guard !asked.stop else { return asked }
            for status in entering { try Self.transition(db, job: id, to: status, at: now) }
            try db.cachedStatement(sql: "UPDATE job SET checkpointStep = ? WHERE id = ?").execute(arguments: [step, id])
            return asked
        }
    }

    /// Suspends a job before step `step` (the step a resume runs first). The job no longer
    /// belongs to its process, so recovery leaves it alone.
    public func suspend(
        job id: String, atStep step: Int, at now: Date, reason: String, waitRemaining: Double? = nil
    ) throws {
        try writer.write { db in
            try Self.suspend(db, job: id, atStep: step, at: now, reason: reason, waitRemaining: waitRemaining)
        }
    }

    static func suspend(
        _ db: Database, job id: String, atStep step: Int, at now: Date, reason: String, waitRemaining: Double?
    ) throws {
        do {
            try Self.transition(db, job: id, to: .suspended, at: now) { record in
                record.checkpointStep = step
                record.waitRemaining = waitRemaining
                record.exception = reason
                record.suspendRequestedAt = nil
                record.ownerPid = nil
                record.ownerHost = nil
            }
            try releaseLease(db, job: id)
        }
    }

    /// Running -> Resuming on another executor (`JobRecording.handOver`): unowned, unleased.
    static func handOver(_ db: Database, job id: String, beforeStep step: Int, to group: String?, at now: Date)
        throws
    {
        // A stop or suspend asked since the step boundary takes effect here instead.
        guard let current = try JobRecord.fetchOne(db, key: id) else {
            throw StoreError.notFound(kind: "job", name: id, hint: "")
        }
        if current.stopRequestedAt != nil || current.suspendRequestedAt != nil {
            let stop = current.stopRequestedAt != nil
            let reason = JobRequester.atHandOver(stop: stop, by: current.requestedBy, beforeStep: step + 1)
            _ = try appendStream(db, job: id, [(.warning, now, reason)])
            if stop {
                try Self.transition(db, job: id, to: .stopped, at: now, exception: reason)
                try releaseLease(db, job: id)
            } else {
                try suspend(db, job: id, atStep: step, at: now, reason: reason, waitRemaining: nil)
            }
            return
        }
        try Self.transition(db, job: id, to: .resuming, at: now) { record in
            record.checkpointStep = step
            record.waitRemaining = nil
            record.runOn = group
            record.suspendRequestedAt = nil
            record.ownerPid = nil
            record.ownerHost = nil
        }
        try releaseLease(db, job: id)
    }

    /// Suspended -> Resuming: the job waits for a process (`runbook jobs resume` or a scheduler)
    /// to claim it. One transaction.
    public func queueResume(job id: String, at now: Date) throws -> ResumeOutcome {
        try writer.write { db in try Self.queueResume(db, job: id, at: now) }
    }

    static func queueResume(_ db: Database, job id: String, at now: Date) throws -> ResumeOutcome {
        guard let record = try JobRecord.fetchOne(db, key: id) else { return .notFound }
        let status = JobStatus(rawValue: record.status) ?? .failed
        if case .notSuspended(let status) = JobLifecycle.resume(status) { return .notSuspended(status) }
        try Self.transition(db, job: id, to: .resuming, at: now) { record in record.exception = nil }
        guard let updated = try JobRecord.fetchOne(db, key: id) else { return .notFound }
        return .queued(try Self.job(updated))
    }

    /// Takes a Resuming job for `owner`; false when another process took it first.
    public func claimResume(job id: String, owner: JobOwner = .current) throws -> Bool {
        try writer.write { db in try Self.claimResume(db, job: id, owner: owner) }
    }

    static func claimResume(_ db: Database, job id: String, owner: JobOwner) throws -> Bool {
        do {
            try db.execute(
                sql: """
                    UPDATE job SET ownerPid = ?, ownerHost = ? WHERE id = ? AND ownerPid IS NULL AND runOn IS NULL
                        AND (status = 'Resuming' OR (status = 'New' AND restarts > 0))
                    """,
                arguments: [owner.pid, owner.host, id])
            return db.changesCount == 1
        }
    }

    /// Jobs waiting for a process to claim them and run them on from their checkpoint, oldest
    /// first: queued resumes (Resuming), and jobs recovery restarted (New again, no owner). Here,
    /// unlike on PostgreSQL, no node claims New jobs: the scheduler's pass takes them.
    public func queuedResumes() throws -> [String] {
        try writer.read { db in try Self.queuedResumes(db) }
    }

    static func queuedResumes(_ db: Database) throws -> [String] {
        try String.fetchAll(
            db,
            sql: """
                SELECT id FROM job WHERE ownerPid IS NULL AND runOn IS NULL
                    AND (status = 'Resuming' OR (status = 'New' AND restarts > 0))
                ORDER BY createdAt
                """)
    }

    /// Bytes stored per stream and whether it was truncated, so a resumed job keeps its caps.
    public func streamUsage(job id: String) throws -> [StreamKind: JobStreamUsage] {
        try writer.read { db in try Self.streamUsage(db, job: id) }
    }

    static func streamUsage(_ db: Database, job id: String) throws -> [StreamKind: JobStreamUsage] {
        do {
            var usage: [StreamKind: JobStreamUsage] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT stream, SUM(length(CAST(message AS BLOB))) AS bytes,
                           MAX(message LIKE '[truncated: %') AS truncated
                    FROM jobStream WHERE jobId = ? GROUP BY stream
                    """, arguments: [id])
            for row in rows {
                let stored = StoredRow(row)
                guard let kind = try? stored.enumeration(StreamKind.self, "stream") else { continue }
                usage[kind] = JobStreamUsage(
                    bytes: try stored.integer("bytes"), truncated: try stored.bool("truncated"))
            }
            return usage
        }
    }
}
