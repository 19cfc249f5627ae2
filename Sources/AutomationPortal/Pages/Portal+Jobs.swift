import Automation
import AutomationService
import Foundation

/// Jobs: the list with a status filter; a job's status timeline and streams (a small script
/// polls for new output while it runs; reading works without it); stop, suspend and resume.
extension Portal {
    static let jobListSize = 100
    /// Stream records a job page shows (its newest); the whole Output is at `output.txt`.
    static let streamRecordsShown = 500

    func jobsPage(_ request: PortalRequest) async -> PortalResponse {
        let status = request.parameter("status").flatMap(JobStatus.init(rawValue:))
        do {
            // The API's page query: served by either store.
            let conditions = status.map { [JobQuery.Condition(field: .status, comparison: .eq, value: $0.rawValue)] }
            let jobs = try await service.jobs(JobQuery(conditions: conditions ?? [], limit: Self.jobListSize))
            let rows: [[String: Any]] = jobs.map { job in
                [
                    "id": job.id, "href": PortalFormat.path(job.id), "runbook": job.runbookName,
                    "status": job.status.rawValue, "created": PortalFormat.time(job.createdAt) as Any,
                    "ended": PortalFormat.time(job.endedAt) as Any, "startedBy": job.startedByText,
                ]
            }
            return render(
                "jobs", request,
                [
                    "title": "Jobs", "jobs": rows, "hasJobs": !rows.isEmpty, "filtered": status != nil,
                    "statuses": PortalFormat.options(
                        JobStatus.allCases.map(\.rawValue), selected: status?.rawValue, any: "All statuses"),
                ])
        } catch {
            return failure(error)
        }
    }

    func jobPage(_ request: PortalRequest, id: String) async -> PortalResponse {
        do {
            let job = try await service.job(id: id)
            let history = (try? await service.statusHistory(job: job.id)) ?? []
            let all = try await service.streams(job: job.id)
            let streams = all.suffix(Self.streamRecordsShown)
            let parameters: [[String: Any]] = job.parameters.keys.sorted().map {
                ["name": $0, "value": job.parameters[$0].map(Self.text) ?? ""]
            }
            let unfinished = !job.status.isFinal
            return render(
                "job", request,
                [
                    "title": "Job \(job.runbookName)", "id": job.id, "href": PortalFormat.path(job.id),
                    "runbook": job.runbookName, "runbookHref": PortalFormat.path(job.runbookName),
                    "status": job.status.rawValue, "exception": job.exception as Any, "parameters": parameters,
                    "created": PortalFormat.time(job.createdAt) as Any,
                    "started": PortalFormat.time(job.startedAt) as Any,
                    "ended": PortalFormat.time(job.endedAt) as Any, "startedBy": job.startedByText,
                    "history": history.map { ["status": $0.status.rawValue, "at": PortalFormat.time($0.at) as Any] },
                    "streams": streams.map(Self.streamValues), "hasStreams": !streams.isEmpty,
                    "earlier": all.count > streams.count
                        ? "Showing the last \(streams.count) of \(all.count) records." : nil as String? as Any,
                    "lastSeq": streams.last?.seq ?? 0, "live": unfinished,
                    // A stop or suspend already on its way disables both (a stop wins over a suspend).
                    "canStop": unfinished && job.status != .stopping,
                    "canSuspend": unfinished && ![.suspended, .suspending, .stopping].contains(job.status),
                    "canResume": job.status == .suspended,
                    "notice": request.parameter("done").map { "Requested: \($0)." } as Any,
                ])
        } catch {
            return failure(error)
        }
    }

    static func streamValues(_ record: StreamRecord) -> [String: Any] {
        [
            "seq": record.seq, "stream": record.stream.rawValue, "kind": record.stream.rawValue.lowercased(),
            "at": PortalFormat.time(record.at) as Any, "message": record.message,
        ]
    }

    /// New stream records after `after`, and the job's status: what the page's script polls.
    func jobStreams(_ request: PortalRequest, id: String) async -> PortalResponse {
        let after = request.parameter("after").flatMap { Int($0) } ?? 0
        do {
            let job = try await service.job(id: id)
            let records = try await service.streams(job: job.id).filter { $0.seq > after }
            let answer: [String: Any] = [
                "status": job.status.rawValue, "final": job.status.isFinal,
                "records": records.map {
                    [
                        "seq": $0.seq, "stream": $0.stream.rawValue, "at": $0.at.formatted(.iso8601),
                        "message": $0.message,
                    ] as [String: Any]
                },
            ]
            return .json(answer)
        } catch {
            return .json(["error": error.description], status: error.httpStatus)
        }
    }

    /// The job's whole Output stream as text, one record a line (Azure's job output).
    func jobOutput(_ request: PortalRequest, id: String) async -> PortalResponse {
        do {
            let text = try await service.output(job: id)
            return PortalResponse(
                status: 200, headers: [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
                body: Data(text.utf8))
        } catch {
            return failure(error)
        }
    }

    func jobAction(_ request: PortalRequest, id: String, action: String) async -> PortalResponse {
        do throws(ServiceError) {
            let requester = JobRequester.portal(request.token?.name ?? "?")
            switch action {
            case "stop":
                if let refusal = try await service.stopJob(id: id, by: requester).refusal(job: id) { throw refusal }
            case "suspend":
                if let refusal = try await service.suspendJob(id: id, by: requester).refusal(job: id) { throw refusal }
            case "resume": _ = try await service.resumeJob(id: id)
            default: return notFound("A job can be stopped, suspended or resumed.")
            }
            return .redirect(Self.root + "/jobs/" + PortalFormat.path(id) + "?done=" + action)
        } catch {
            return failure(error)
        }
    }
}
