import Automation
import Foundation
import GRDB

extension AutomationStore {
    /// Inserts a job in status New with its first status-history row; one transaction. The
    /// owner (this process) is recorded so that a job whose process died can be recovered.
    public func createJob(_ job: Job, owner: JobOwner = .current) throws {
        try writer.write { db in try Self.insert(db, job, owner: owner) }
    }

    /// Inserts a job and its first status-history row (a scheduler pass inserts a thousand at
    /// once: prepared statements, no record encoding).
    static func insert(_ db: Database, _ job: Job, owner: JobOwner) throws {
        // A job for a worker group belongs to no process until a worker of the group claims it.
        let owner: JobOwner? = job.runOn == nil ? owner : nil
        try db.cachedStatement(
            sql: """
                INSERT INTO job (id, runbookName, runbookDigest, runbookContent, parameters, startReason, startedBy,
                    accountName, targets, status, createdAt, startedAt, endedAt, exception, logVerbose, logProgress,
                    ownerPid, ownerHost, checkpointStep, runbookSource, restarts, restartLimit, runOn)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            job.id, job.runbookName, job.runbookDigest, StoredText.value(job.runbookContent),
            try JSONColumn.encode(job.parameters), job.startReason.rawValue, job.startedBy, job.accountName,
            try JSONColumn.encode(job.targets), job.status.rawValue, job.createdAt, job.startedAt, job.endedAt,
            StoredText.value(job.exception), job.logVerbose,
            job.logProgress, owner?.pid, owner?.host, job.checkpointStep, job.runbookSource, job.restarts,
            job.restartLimit, job.runOn,
        ])
        try db.cachedStatement(sql: "INSERT INTO jobStatus (jobId, seq, status, at) VALUES (?, 1, ?, ?)")
            .execute(arguments: [job.id, job.status.rawValue, job.createdAt])
    }

    /// Moves a job to `status`, recording the transition; start and end times and the
    /// exception are set with it. One transaction.
    public func transition(job id: String, to status: JobStatus, at now: Date, exception: String? = nil) throws {
        try writer.write { db in try Self.transition(db, job: id, to: status, at: now, exception: exception) }
    }

    /// The one place a status changes: the row and its status-history entry, in the caller's
    /// transaction. The common case is one prepared UPDATE; `change` (suspend, recovery) edits
    /// other columns of the row.
    static func transition(
        _ db: Database, job id: String, to status: JobStatus, at now: Date, exception: String? = nil,
        change: ((inout JobRecord) -> Void)? = nil
    ) throws {
        if let change {
            guard var record = try JobRecord.fetchOne(db, key: id) else {
                throw StoreError.notFound(kind: "job", name: id, hint: "")
            }
            if let ended = JobStatus(rawValue: record.status), ended.isFinal {
                throw StoreError.alreadyEnded(job: id, status: ended)
            }
            record.status = status.rawValue
            if status == .running && record.startedAt == nil { record.startedAt = now }
            if status.isFinal { record.endedAt = now }
            if let exception { record.exception = exception }
            change(&record)
            try record.update(db)
        } else {
            // The common case, on every job's path: one statement, prepared once per connection.
            try db.cachedStatement(
                sql: """
                    UPDATE job SET status = ?,
                        startedAt = CASE WHEN ? AND startedAt IS NULL THEN ? ELSE startedAt END,
                        endedAt = CASE WHEN ? THEN ? ELSE endedAt END,
                        exception = COALESCE(?, exception)
                    WHERE id = ? AND status NOT IN \(JobStatus.finalSQL)
                    """
            ).execute(arguments: [
                status.rawValue, status == .running, now, status.isFinal, now, StoredText.value(exception), id,
            ])
            guard db.changesCount == 1 else {
                // An ended job never changes again: a paused process whose job was recovered meanwhile
                // cannot write over the recovery.
                if let ended = try String.fetchOne(db, sql: "SELECT status FROM job WHERE id = ?", arguments: [id]) {
                    throw StoreError.alreadyEnded(job: id, status: JobStatus(rawValue: ended) ?? .failed)
                }
                throw StoreError.notFound(kind: "job", name: id, hint: "")
            }
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO jobStatus (jobId, seq, status, at)
                VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM jobStatus WHERE jobId = ?1), ?2, ?3)
                """
        ).execute(arguments: [id, status.rawValue, now])
    }

    /// Adds machine names to the job's targets (kept sorted, without repeats).
    public func addTargets(job id: String, _ names: [String]) throws {
        try writer.write { db in try Self.addTargets(db, job: id, names) }
    }

    static func addTargets(_ db: Database, job id: String, _ names: [String]) throws {
        do {
            guard var record = try JobRecord.fetchOne(db, key: id) else { return }
            let current = try JSONColumn.decode([String].self, record.targets)
            record.targets = try JSONColumn.encode(Array(Set(current + names)).sorted())
            try record.update(db)
        }
    }

    /// Appends records to a job's streams in order; returns them with their sequence numbers.
    @discardableResult
    public func appendStream(job id: String, _ entries: [(StreamKind, Date, String)]) throws -> [StreamRecord] {
        try writer.write { db in try Self.appendStream(db, job: id, entries) }
    }

    static func appendStream(_ db: Database, job id: String, _ entries: [(StreamKind, Date, String)]) throws
        -> [StreamRecord]
    {
        do {
            // A job's records all come before its end: one that ended (recovered while its process
            // was paused) takes no more.
            // One statement for both: the job's end, if it ended, and its last sequence number.
            let state = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT (SELECT status FROM job WHERE id = ?1 AND status IN \(JobStatus.finalSQL)) AS ended,
                            COALESCE((SELECT MAX(seq) FROM jobStream WHERE jobId = ?1), 0) AS seq
                        """), arguments: [id])
            if let ended = state?["ended"] as String? {
                throw StoreError.alreadyEnded(job: id, status: JobStatus(rawValue: ended) ?? .failed)
            }
            var seq = (state?["seq"] as Int?) ?? 0
            let insert = try db.cachedStatement(
                sql: "INSERT INTO jobStream (jobId, seq, stream, at, message) VALUES (?, ?, ?, ?, ?)")
            return try entries.map { kind, at, message in
                seq += 1
                try insert.execute(arguments: [id, seq, kind.rawValue, at, StoredText.value(message)])
                return StreamRecord(seq: seq, stream: kind, at: at, message: message)
            }
        }
    }

    /// A job by full id or unique prefix (at least 4 characters). A row that cannot be read
    /// throws `StoreError.unreadable` saying what is wrong with it.
    public func job(_ idOrPrefix: String) throws -> Job? {
        try writer.read { db in try Self.job(db, idOrPrefix: idOrPrefix) }
    }

    static func job(_ db: Database, idOrPrefix: String) throws -> Job? {
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM job WHERE id = ?"), arguments: [idOrPrefix])
        {
            return try Self.readJob(row)
        }
        guard idOrPrefix.count >= 4 else { return nil }
        let (lower, upper) = JobIDPrefix.range(idOrPrefix)
        let request = JobRecord.filter(sql: "id >= ? AND id < ?", arguments: [lower, upper]).order(Column("id"))
        let matches = try Row.fetchAll(db, request.limit(2))
        if matches.count > 1 {
            throw StoreError.ambiguousJob(prefix: idOrPrefix, matches: try request.fetchCount(db))
        }
        return try matches.first.map(Self.readJob)
    }

    /// Jobs newest first. A row that cannot be read is reported (`reportUnreadable`) and skipped.
    public func jobs(_ filter: JobFilter) throws -> [Job] {
        try writer.read { db in try jobs(db, filter) }
    }

    func jobs(_ db: Database, _ filter: JobFilter) throws -> [Job] {
        let rows = try {
            var request = JobRecord.all()
            if let runbook = filter.runbook { request = request.filter(JobRecord.Columns.runbookName == runbook) }
            if let status = filter.status { request = request.filter(JobRecord.Columns.status == status.rawValue) }
            if let reason = filter.reason { request = request.filter(Column("startReason") == reason.rawValue) }
            if let schedule = filter.schedule {
                request = request.filter(Column("startReason") == "schedule" && Column("startedBy") == schedule)
            }
            if let since = filter.since { request = request.filter(JobRecord.Columns.createdAt >= since) }
            if let until = filter.until { request = request.filter(JobRecord.Columns.createdAt < until) }
            return try Row.fetchAll(
                db, request.order(JobRecord.Columns.createdAt.desc, JobRecord.Columns.id).limit(filter.limit))
        }()
        return readable(rows, table: "job", key: "id") { try Self.job(JobRecord(row: $0)) }
    }

    /// One job's row as a job, or `StoreError.unreadable` naming the column that is wrong.
    static func readJob(_ row: Row) throws -> Job {
        do {
            return try job(JobRecord(row: row))
        } catch {
            throw StoreError.unreadable(unreadable(row, table: "job", key: "id", error))
        }
    }

    /// Status changes in order; an unreadable entry is reported and skipped.
    public func statusHistory(job id: String) throws -> [JobStatusChange] {
        try writer.read { db in try statusHistory(db, job: id) }
    }

    func statusHistory(_ db: Database, job id: String) throws -> [JobStatusChange] {
        let rows = try Row.fetchAll(
            db, JobStatusRecord.filter(JobStatusRecord.Columns.jobId == id).order(JobStatusRecord.Columns.seq))
        return readable(rows, table: "jobStatus", key: "seq") { row in
            let record = try JobStatusRecord(row: row)
            return JobStatusChange(
                status: try StoredRow(row).enumeration(JobStatus.self, "status"), at: record.at)
        }
    }

    /// Stream records in order, each message whole (NUL included); an unreadable record is
    /// reported and skipped.
    public func streams(job id: String, kind: StreamKind? = nil) throws -> [StreamRecord] {
        try writer.read { db in try streams(db, job: id, kind: kind) }
    }

    func streams(_ db: Database, job id: String, kind: StreamKind?) throws -> [StreamRecord] {
        var request = JobStreamRecord.filter(JobStreamRecord.Columns.jobId == id)
        if let kind { request = request.filter(JobStreamRecord.Columns.stream == kind.rawValue) }
        let rows = try Row.fetchAll(db, request.order(JobStreamRecord.Columns.seq))
        return readable(rows, table: "jobStream", key: "seq") { row in
            let record = try JobStreamRecord(row: row)
            return StreamRecord(
                seq: record.seq, stream: try StoredRow(row).enumeration(StreamKind.self, "stream"), at: record.at,
                message: record.message)
        }
    }

    public func jobCount() throws -> Int {
        try writer.read { db in try JobRecord.fetchCount(db) }
    }

    static func record(_ job: Job) throws -> JobRecord {
        JobRecord(
            id: job.id, runbookName: job.runbookName, runbookDigest: job.runbookDigest,
            runbookContent: job.runbookContent, parameters: try JSONColumn.encode(job.parameters),
            startReason: job.startReason.rawValue, startedBy: job.startedBy, accountName: job.accountName,
            targets: try JSONColumn.encode(job.targets), status: job.status.rawValue, createdAt: job.createdAt,
            startedAt: job.startedAt, endedAt: job.endedAt, exception: job.exception, logVerbose: job.logVerbose,
            logProgress: job.logProgress, ownerPid: nil, ownerHost: nil, stopRequestedAt: nil,
            suspendRequestedAt: nil, checkpointStep: job.checkpointStep, runbookSource: job.runbookSource,
            restarts: job.restarts, restartLimit: job.restartLimit, waitRemaining: job.waitRemaining,
            requestedBy: nil, runOn: job.runOn)
    }

    /// A record as a job; the enum and JSON columns are checked here, with the column named.
    static func job(_ record: JobRecord) throws -> Job {
        guard let status = JobStatus(rawValue: record.status) else {
            throw RowProblem(column: "status", message: "holds '\(record.status)', which this version does not know")
        }
        guard let reason = StartReason(rawValue: record.startReason) else {
            throw RowProblem(
                column: "startReason", message: "holds '\(record.startReason)', which this version does not know")
        }
        guard let parameters = try? JSONColumn.decode([String: Value].self, record.parameters) else {
            throw RowProblem(column: "parameters", message: "is not a JSON object of parameter values")
        }
        guard let targets = try? JSONColumn.decode([String].self, record.targets) else {
            throw RowProblem(column: "targets", message: "is not a JSON list of machine names")
        }
        var job = Job(
            id: record.id, runbookName: record.runbookName, runbookDigest: record.runbookDigest,
            runbookContent: record.runbookContent, parameters: parameters, startReason: reason,
            startedBy: record.startedBy, accountName: record.accountName, targets: targets, status: status,
            createdAt: record.createdAt, startedAt: record.startedAt, endedAt: record.endedAt,
            exception: record.exception, logVerbose: record.logVerbose, logProgress: record.logProgress,
            checkpointStep: record.checkpointStep, runbookSource: record.runbookSource, restarts: record.restarts,
            restartLimit: record.restartLimit, waitRemaining: record.waitRemaining, runOn: record.runOn)
        // A worker claims under its machine's name as the owner's host.
        job.worker = record.runOn == nil ? nil : record.ownerHost
        return job
    }
}
