import Automation
import AutomationStore
import Foundation
import RunbookEngine

/// Jobs: start one on the published runbook, read them, and stop, suspend or resume them. The
/// same use cases serve `runbook jobs ...` and the API's `.../jobs/...`.
extension AutomationService {
    /// Starts the published runbook as a job named `jobId` (the API's caller picks a GUID):
    /// checked first (runbook, parameters, name), recorded New, then handed to `submission`.
    public func startJob(
        runbook name: String, parameters: [String: String], jobId: String, runOn: String?, startedBy: String?,
        submission: any JobSubmission
    ) async throws(ServiceError) -> Job {
        guard UUID(uuidString: jobId) != nil else {
            throw .invalid("job name '\(jobId)' is not a GUID; Azure names jobs with GUIDs", target: "name")
        }
        let loaded = try await publishedRunbook(named: name)
        let (group, missing) = try await placement(
            of: loaded.runbook, runOn: runOn.flatMap { $0.isEmpty ? nil : $0 }, field: "properties.runOn")
        let prepared: PreparedJob
        do {
            prepared = try JobRunner.prepare(loaded, parameters: parameters)
        } catch {
            throw .invalid(error.problems.joined(separator: "; "), target: "properties.parameters")
        }
        let id = jobId.lowercased()
        let account = try? await jobStore.defaultAccount()?.account.name
        var job = JobRunner.newJob(
            prepared, id: id, reason: .manual, startedBy: startedBy, accountName: account, at: now())
        job.runOn = group
        if let missing {
            // The group must exist when the job starts: the job is recorded Failed, saying why.
            job.status = .failed
            job.endedAt = job.createdAt
            job.exception = missing
        }
        do {
            if try await jobStore.job(exactly: id) != nil {
                throw ServiceError.conflict("a job named '\(id)' already exists; job names are unique")
            }
            try await jobStore.createJob(job)
        } catch let error as ServiceError {
            throw error
        } catch {
            // Two creates of one name at once: the second loses on the primary key.
            if (try? await jobStore.job(exactly: id)) != nil {
                throw .conflict("a job named '\(id)' already exists; job names are unique")
            }
            throw Self.storeError(error)
        }
        // A job for a group waits in New for a worker's poll, which claims it at once.
        if group == nil && missing == nil { submission.submit(job, prepared) }
        return job
    }

    /// Where a new job of `runbook` starts, asked to run on `group`: that group, or for a
    /// runbook that places its steps (`runOn` on a step) where its first step runs, which may
    /// not be combined with a group of the job's own. `missing` says why it cannot start: a
    /// group it names that no agent works for.
    public func placement(of runbook: Runbook, runOn group: String?, field: String) async throws(ServiceError)
        -> (runOn: String?, missing: String?)
    {
        if let group, let problem = ResourceName.problem(group, kind: "hybrid worker group") {
            throw .invalid(problem, target: field)
        }
        guard runbook.placesSteps else {
            guard let group else { return (nil, nil) }
            return (group, try await missingGroup(group))
        }
        if let group {
            throw .invalid(
                "runbook '\(runbook.name)' says where its steps run (runOn on its steps), so its job takes no "
                    + "runOn of its own (asked: '\(group)'); start it without one", target: field)
        }
        for named in Set(runbook.steps.compactMap(\.runOn)).sorted() {
            if let missing = try await missingGroup(named) { return (runbook.steps.first?.runOn, missing) }
        }
        return (runbook.steps.first?.runOn, nil)
    }

    /// Why a job cannot run on `group`, or nil when some agent works for it.
    func missingGroup(_ group: String) async throws(ServiceError) -> String? {
        let groups = Set(try await storeCall { try await workerStore.hybridWorkers() }.map(\.group))
        return WorkerAbsence.missingGroup(group, among: groups)
    }

    public func job(id: String) async throws(ServiceError) -> Job {
        let found: Job?
        do {
            found = try await jobStore.job(exactly: id.lowercased())
        } catch {
            throw Self.storeError(error)
        }
        guard let found else { throw .notFound(kind: "job", name: id, hint: "") }
        return found
    }

    public func jobs(_ query: JobQuery) async throws(ServiceError) -> [Job] {
        do {
            return try await jobStore.jobPage(query)
        } catch {
            throw Self.storeError(error)
        }
    }

    public func streams(job id: String, kind: StreamKind? = nil) async throws(ServiceError) -> [StreamRecord] {
        let job = try await job(id: id)
        do {
            return try await jobStore.streams(job: job.id, kind: kind)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// The Output stream as text, one record a line (Azure's job output).
    public func output(job id: String) async throws(ServiceError) -> String {
        let records = try await streams(job: id, kind: .output)
        return records.map { $0.message + "\n" }.joined()
    }

    /// Asks the job to stop, on behalf of `requester` (the job's record says who). The outcome
    /// says what happened; a front end words it (`refusal` is the API's and the portal's).
    public func stopJob(id: String, by requester: JobRequester) async throws(ServiceError) -> JobStopOutcome {
        let job = try await job(id: id)
        let outcome = try await storeCall { try await jobStore.requestStop(job: job.id, at: now(), by: requester) }
        if case .notFound = outcome { throw .notFound(kind: "job", name: id, hint: "") }
        return outcome
    }

    /// Asks the job to suspend at its next step boundary (or during a wait), on behalf of
    /// `requester`.
    public func suspendJob(id: String, by requester: JobRequester) async throws(ServiceError) -> JobSuspendOutcome {
        let job = try await job(id: id)
        let outcome = try await storeCall { try await jobStore.requestSuspend(job: job.id, at: now(), by: requester) }
        if case .notFound = outcome { throw .notFound(kind: "job", name: id, hint: "") }
        return outcome
    }

    /// Queues the resume of a Suspended job (Resuming): the executor takes it at its next pass;
    /// a job that is not Suspended is a conflict. Returns the job as queued.
    public func resumeJob(id: String) async throws(ServiceError) -> Job {
        let job = try await job(id: id)
        let outcome = try await storeCall { try await jobStore.queueResume(job: job.id, at: now()) }
        switch outcome {
        case .queued(let queued): return queued
        case .notSuspended(let status):
            throw .conflict("job \(job.id) is \(status.rawValue), not Suspended; only a suspended job resumes")
        case .notFound: throw .notFound(kind: "job", name: id, hint: "")
        }
    }
}

extension JobStopOutcome {
    /// A stop of a job that already ended, as a refusal (the API answers 409).
    public func refusal(job id: String) -> ServiceError? {
        guard case .alreadyFinal(let status) = self else { return nil }
        return .conflict("job \(id) already ended (\(status.rawValue)); it cannot be stopped")
    }
}

extension JobSuspendOutcome {
    /// A suspend of a job that already ended, as a refusal.
    public func refusal(job id: String) -> ServiceError? {
        guard case .alreadyFinal(let status) = self else { return nil }
        return .conflict("job \(id) already ended (\(status.rawValue)); only an unfinished job suspends")
    }
}
