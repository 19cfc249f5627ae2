import Automation
import Foundation
import PostgresNIO

/// The job engine's writes on PostgreSQL. Each is one transaction that locks the job's row
/// (`SELECT ... FOR UPDATE`) first; a node's view (`recorder(node:)`) also checks that the node
/// still holds the job's lease under that lock, so a node that lost its lease (recovered
/// elsewhere after a partition) cannot change the job any more: `StoreError.leaseLost`.
extension PostgresStore: JobRecording {
    public func stepBoundary(job id: String, entering: [JobStatus], step: Int, at now: Date) async throws
        -> JobStepRequests
    {
        try await Self.stepBoundary(self, job: id, entering: entering, step: step, at: now, fence: nil)
    }

    public func suspend(job id: String, atStep step: Int, at now: Date, reason: String, waitRemaining: Double?)
        async throws
    {
        try await Self.suspend(
            self, job: id, atStep: step, at: now, reason: reason, waitRemaining: waitRemaining, fence: nil)
    }

    public func transition(job id: String, to status: JobStatus, at now: Date, exception: String?) async throws {
        try await Self.transition(self, job: id, to: status, at: now, exception: exception, fence: nil)
    }

    public func handOver(job id: String, beforeStep step: Int, to group: String?, at now: Date) async throws {
        try await Self.handOver(self, job: id, beforeStep: step, to: group, at: now, fence: nil)
    }

    public func appendStream(job id: String, _ entries: [(StreamKind, Date, String)]) async throws
        -> [StreamRecord]
    {
        try await Self.appendStream(self, job: id, entries, fence: nil)
    }

    public func pendingRequests(job id: String) async throws -> JobStepRequests {
        guard
            let row = try await rows(
                """
                SELECT stop_requested_at IS NOT NULL, suspend_requested_at IS NOT NULL, requested_by
                FROM job WHERE id = \(id)
                """
            ).first
        else { return JobStepRequests(stop: false, suspend: false) }
        let (stop, suspend, by) = try row.decode((Bool, Bool, String?).self)
        return JobStepRequests(stop: stop, suspend: suspend, requestedBy: by)
    }

    public func streamUsage(job id: String) async throws -> [StreamKind: JobStreamUsage] {
        let found = try await rows(
            """
            SELECT stream, SUM(octet_length(message))::bigint AS bytes,
                bool_or(substring(message FROM 1 FOR 12) = '[truncated: '::bytea) AS truncated
            FROM job_stream WHERE job_id = \(id) GROUP BY stream
            """)
        var usage: [StreamKind: JobStreamUsage] = [:]
        for row in found {
            let columns = StoredColumns(row)
            guard let kind = try? columns.enumeration(StreamKind.self, "stream") else { continue }
            usage[kind] = JobStreamUsage(bytes: try columns.integer("bytes"), truncated: try columns.bool("truncated"))
        }
        return usage
    }

    public func claimResume(job id: String) async throws -> Bool {
        let owner = ProcessOwner.current
        return try await !rows(
            """
            UPDATE job SET owner_pid = \(owner.pid), owner_host = \(owner.host)
            WHERE id = \(id) AND status = 'Resuming' AND owner_pid IS NULL AND lease_node IS NULL AND run_on IS NULL
            RETURNING 1
            """
        ).isEmpty
    }

    public func addTargets(job id: String, _ names: [String]) async throws {
        try await Self.addTargets(self, job: id, names, fence: nil)
    }

    /// This store as one node sees it: every job write checks the node's lease.
    public func recorder(node: String) -> NodeJobRecorder {
        NodeJobRecorder(store: self, node: node)
    }
}

// The bodies, shared by the store and a node's fenced view.
extension PostgresStore {
    /// Locks the job's row; with a fence, throws unless the node holds the job's lease.
    static func lockForWrite(_ id: String, fence: String?, _ connection: PostgresConnection, _ logger: Logger)
        async throws -> StoredColumns
    {
        guard
            let row = try await connection.rows(
                """
                SELECT stop_requested_at IS NOT NULL AS stop, suspend_requested_at IS NOT NULL AS suspend,
                    requested_by, lease_node, targets::text AS targets
                FROM job WHERE id = \(id) FOR UPDATE
                """, logger: logger
            ).first
        else { throw StoreError.notFound(kind: "job", name: id, hint: "") }
        let columns = StoredColumns(row)
        if let fence, try columns.optionalText("lease_node") != fence {
            throw StoreError.leaseLost(job: id, node: fence)
        }
        return columns
    }

    static func stepBoundary(
        _ store: PostgresStore, job id: String, entering: [JobStatus], step: Int, at now: Date, fence: String?
    ) async throws -> JobStepRequests {
        let logger = store.logger
        return try await store.transaction { connection in
            let row = try await lockForWrite(id, fence: fence, connection, logger)
            let asked = JobStepRequests(
                stop: try row.bool("stop"), suspend: try row.bool("suspend"),
                requestedBy: try row.optionalText("requested_by"))
            guard !asked.stop else { return asked }
            for status in entering { try await transition(id, to: status, at: now, connection, logger) }
            try await connection.query("UPDATE job SET checkpoint_step = \(step) WHERE id = \(id)", logger: logger)
            return asked
        }
    }

    static func suspend(
        _ store: PostgresStore, job id: String, atStep step: Int, at now: Date, reason: String,
        waitRemaining: Double?, fence: String?
    ) async throws {
        let logger = store.logger
        try await store.transaction { connection in
            _ = try await lockForWrite(id, fence: fence, connection, logger)
            try await transition(id, to: .suspended, at: now, exception: .set(reason), connection, logger)
            // Suspended jobs wait for a person, held by no process and no node.
            try await connection.query(
                """
                UPDATE job SET checkpoint_step = \(step), wait_remaining = \(waitRemaining),
                    suspend_requested_at = NULL, owner_pid = NULL,
                    owner_host = NULL, lease_node = NULL, lease_expires_at = NULL
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    static func handOver(
        _ store: PostgresStore, job id: String, beforeStep step: Int, to group: String?, at now: Date, fence: String?
    ) async throws {
        let logger = store.logger
        try await store.transaction { connection in
            let row = try await lockForWrite(id, fence: fence, connection, logger)
            // A stop or suspend asked since the step boundary takes effect here instead.
            let stop = try row.bool("stop")
            let suspend = try row.bool("suspend")
            if stop || suspend {
                let reason = JobRequester.atHandOver(
                    stop: stop, by: try row.optionalText("requested_by"), beforeStep: step + 1)
                try await connection.query(
                    """
                    WITH seq AS (UPDATE job SET stream_seq = stream_seq + 1 WHERE id = \(id) RETURNING stream_seq)
                    INSERT INTO job_stream (job_id, seq, stream, at, message)
                    SELECT \(id), stream_seq, 'Warning', \(now), \(Data(reason.utf8)) FROM seq
                    """, logger: logger)
                try await transition(
                    id, to: stop ? .stopped : .suspended, at: now, exception: .set(reason), connection, logger)
                try await connection.query(
                    """
                    UPDATE job SET checkpoint_step = \(step), suspend_requested_at = NULL, owner_pid = NULL,
                        owner_host = NULL, lease_node = NULL, lease_expires_at = NULL
                    WHERE id = \(id)
                    """, logger: logger)
                return
            }
            try await transition(id, to: .resuming, at: now, exception: .keep, connection, logger)
            // Held by no process and no node until the group's worker (or a node) claims it.
            try await connection.query(
                """
                UPDATE job SET checkpoint_step = \(step), wait_remaining = NULL, run_on = \(group),
                    suspend_requested_at = NULL, owner_pid = NULL, owner_host = NULL, lease_node = NULL,
                    lease_expires_at = NULL
                WHERE id = \(id)
                """, logger: logger)
        }
    }

    static func transition(
        _ store: PostgresStore, job id: String, to status: JobStatus, at now: Date, exception: String?,
        fence: String?
    ) async throws {
        let logger = store.logger
        try await store.transaction { connection in
            _ = try await lockForWrite(id, fence: fence, connection, logger)
            try await transition(
                id, to: status, at: now, exception: exception.map { .set($0) } ?? .keep, connection, logger)
        }
    }

    /// Sequence numbers come from the job row's `stream_seq`, advanced by the same UPDATE that
    /// holds the row's lock: two writers never take the same number.
    static func appendStream(
        _ store: PostgresStore, job id: String, _ entries: [(StreamKind, Date, String)], fence: String?
    ) async throws -> [StreamRecord] {
        guard !entries.isEmpty else { return [] }
        let logger = store.logger
        return try await store.transaction { connection in
            _ = try await lockForWrite(id, fence: fence, connection, logger)
            guard
                let last = try await connection.rows(
                    "UPDATE job SET stream_seq = stream_seq + \(entries.count) WHERE id = \(id) RETURNING stream_seq",
                    logger: logger
                ).first?.decode(Int.self)
            else { throw StoreError.notFound(kind: "job", name: id, hint: "") }
            var records: [StreamRecord] = []
            for (offset, (kind, at, message)) in entries.enumerated() {
                let seq = last - entries.count + offset + 1
                try await connection.query(
                    """
                    INSERT INTO job_stream (job_id, seq, stream, at, message)
                    VALUES (\(id), \(seq), \(kind.rawValue), \(at), \(Data(message.utf8)))
                    """, logger: logger)
                records.append(StreamRecord(seq: seq, stream: kind, at: at, message: message))
            }
            return records
        }
    }

    static func addTargets(_ store: PostgresStore, job id: String, _ names: [String], fence: String?) async throws {
        guard !names.isEmpty else { return }
        let logger = store.logger
        try await store.transaction { connection in
            let row = try await lockForWrite(id, fence: fence, connection, logger)
            let current = try row.json([String].self, "targets", "a JSON list of machine names")
            let merged = try JSONText.encode(Array(Set(current + names)).sorted())
            try await connection.query("UPDATE job SET targets = \(merged)::jsonb WHERE id = \(id)", logger: logger)
        }
    }
}

/// The store as one node records its jobs: the same reads, and writes that check the node still
/// holds each job's lease (`StoreError.leaseLost` once another node recovered it).
public struct NodeJobRecorder: JobRecording {
    public let store: PostgresStore
    public let node: String

    public var leaseNode: String? { node }

    public func stepBoundary(job id: String, entering: [JobStatus], step: Int, at now: Date) async throws
        -> JobStepRequests
    {
        try await PostgresStore.stepBoundary(store, job: id, entering: entering, step: step, at: now, fence: node)
    }

    public func suspend(job id: String, atStep step: Int, at now: Date, reason: String, waitRemaining: Double?)
        async throws
    {
        try await PostgresStore.suspend(
            store, job: id, atStep: step, at: now, reason: reason, waitRemaining: waitRemaining, fence: node)
    }

    public func transition(job id: String, to status: JobStatus, at now: Date, exception: String?) async throws {
        try await PostgresStore.transition(store, job: id, to: status, at: now, exception: exception, fence: node)
    }

    public func handOver(job id: String, beforeStep step: Int, to group: String?, at now: Date) async throws {
        try await PostgresStore.handOver(store, job: id, beforeStep: step, to: group, at: now, fence: node)
    }

    public func appendStream(job id: String, _ entries: [(StreamKind, Date, String)]) async throws
        -> [StreamRecord]
    {
        try await PostgresStore.appendStream(store, job: id, entries, fence: node)
    }

    public func pendingRequests(job id: String) async throws -> JobStepRequests {
        try await store.pendingRequests(job: id)
    }

    public func streamUsage(job id: String) async throws -> [StreamKind: JobStreamUsage] {
        try await store.streamUsage(job: id)
    }

    /// A node takes Resuming jobs with its claim (`claimNewJobs`); here it only confirms it holds one.
    public func claimResume(job id: String) async throws -> Bool {
        try await !store.rows(
            "SELECT 1 FROM job WHERE id = \(id) AND status = 'Resuming' AND lease_node = \(node)"
        ).isEmpty
    }

    public func addTargets(job id: String, _ names: [String]) async throws {
        try await PostgresStore.addTargets(store, job: id, names, fence: node)
    }
}

extension PostgresStore: SchedulerStoring {
    public func queuedResumes() async throws -> [String] {
        try await rows(
            """
            SELECT id FROM job WHERE status = 'Resuming' AND owner_pid IS NULL AND lease_node IS NULL AND run_on IS NULL
            ORDER BY created_at, id
            """
        ).map { try $0.decode(String.self) }
    }
}
