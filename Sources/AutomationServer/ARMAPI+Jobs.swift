import Automation
import AutomationService
import Foundation

extension ARMAPI {
    static let jobs = account + "/jobs"
    static let job = jobs + "/{jobName}"

    /// `$filter` fields of the job list: name -> whether it takes a time.
    static let jobFilterFields: [String: Bool] = [
        "properties/runbook/name": false, "properties/status": false, "properties/startTime": true,
        "properties/endTime": true, "properties/creationTime": true, "properties/lastModifiedTime": true,
    ]

    var jobRoutes: [ARMRoute] {
        [
            ARMRoute("PUT", Self.job, "Job_Create", writes: true) { request throws(ServiceError) in
                let (state, path) = try await account(request)
                let body = try request.decode(JobCreateBody.self)
                _ = state
                let job = try await service.startJob(
                    runbook: body.runbook, parameters: body.parameters, jobId: request.parameter("jobName"),
                    runOn: body.runOn, startedBy: request.token.map { "token \($0.name)" },
                    submission: submission)
                return .json(ARMDocuments.job(job, account: path), status: 201)
            },
            ARMRoute("GET", Self.job, "Job_Get") { request throws(ServiceError) in
                let (_, path) = try await account(request)
                return .json(ARMDocuments.job(try await service.job(id: request.parameter("jobName")), account: path))
            },
            ARMRoute("GET", Self.jobs, "Job_ListByAutomationAccount") { request throws(ServiceError) in
                let (_, path) = try await account(request)
                // `$top`: a smaller page (at most the default 100); nextLink carries on from its end.
                var size = Self.pageSize
                if let text = request.query["$top"] {
                    guard let top = Int(text), (1...Self.pageSize).contains(top) else {
                        throw .invalid("$top is a number from 1 to \(Self.pageSize)", target: "$top")
                    }
                    size = top
                }
                var query = JobQuery(limit: size + 1)
                if let text = request.query["$filter"] {
                    let filter = try ODataFilter.parse(text, fields: Self.jobFilterFields)
                    query.conditions = try filter.clauses.map(Self.jobCondition)
                }
                if let token = request.query["$skiptoken"] { query.after = try Self.cursor(token) }
                let jobs = try await service.jobs(query)
                let items = Array(jobs.prefix(size))
                var next: String?
                if jobs.count > size, let last = items.last {
                    var link = request.path + "?api-version=2024-10-23" + (size == Self.pageSize ? "" : "&$top=\(size)")
                    if let filter = request.query["$filter"] {
                        link +=
                            "&$filter=" + (filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                    }
                    next =
                        link + "&$skiptoken="
                        + AzureTime.format(last.createdAt).replacingOccurrences(of: "+", with: "%2B")
                        + "%7C" + last.id
                }
                return .json(ARMDocuments.page(items.map { ARMDocuments.job($0, account: path) }, next: next))
            },
            ARMRoute("GET", Self.job + "/output", "Job_GetOutput") { request throws(ServiceError) in
                _ = try await account(request)
                return .text(try await service.output(job: request.parameter("jobName")))
            },
            ARMRoute("GET", Self.job + "/runbookContent", "Job_GetRunbookContent") { request throws(ServiceError) in
                _ = try await account(request)
                return .text(try await service.job(id: request.parameter("jobName")).runbookContent)
            },
            ARMRoute("POST", Self.job + "/stop", "Job_Stop", writes: true) { request throws(ServiceError) in
                _ = try await account(request)
                let id = request.parameter("jobName")
                if let refusal = try await service.stopJob(id: id, by: request.requester).refusal(job: id) {
                    throw refusal
                }
                return .empty(200)
            },
            ARMRoute("POST", Self.job + "/suspend", "Job_Suspend", writes: true) { request throws(ServiceError) in
                _ = try await account(request)
                let id = request.parameter("jobName")
                if let refusal = try await service.suspendJob(id: id, by: request.requester).refusal(job: id) {
                    throw refusal
                }
                return .empty(200)
            },
            ARMRoute("POST", Self.job + "/resume", "Job_Resume", writes: true) { request throws(ServiceError) in
                _ = try await account(request)
                _ = try await service.resumeJob(id: request.parameter("jobName"))
                return .empty(200)
            },
            ARMRoute("GET", Self.job + "/streams", "JobStream_ListByJob") { request throws(ServiceError) in
                let (_, path) = try await account(request)
                let job = try await service.job(id: request.parameter("jobName"))
                var records = try await service.streams(job: job.id)
                if let text = request.query["$filter"] {
                    let filter = try ODataFilter.parse(
                        text, fields: ["properties/streamType": false, "properties/time": true])
                    var kept: [StreamRecord] = []
                    for record in records where try Self.matches(record, filter) { kept.append(record) }
                    records = kept
                }
                let after = Int(request.query["$skiptoken"] ?? "") ?? 0
                let page = records.filter { $0.seq > after }.prefix(Self.pageSize)
                let next =
                    records.last.map { $0.seq > (page.last?.seq ?? Int.max) } == true
                    ? request.path + "?api-version=2024-10-23&$skiptoken=\(page.last?.seq ?? 0)"
                        + (request.query["$filter"].map {
                            "&$filter=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                        } ?? "") : nil
                return .json(
                    ARMDocuments.page(
                        page.map { ARMDocuments.stream($0, job: job.id, account: path, full: false) }, next: next))
            },
            ARMRoute("GET", Self.job + "/streams/{jobStreamId}", "JobStream_Get") { request throws(ServiceError) in
                let (_, path) = try await account(request)
                let job = try await service.job(id: request.parameter("jobName"))
                let id = request.parameter("jobStreamId")
                let records = try await service.streams(job: job.id)
                guard let record = records.first(where: { ARMDocuments.streamId(job.id, $0) == id }) else {
                    throw .notFound(kind: "job stream", name: id, hint: "")
                }
                return .json(ARMDocuments.stream(record, job: job.id, account: path, full: true))
            },
        ]
    }

    static func jobCondition(_ clause: ODataFilter.Clause) throws(ServiceError) -> JobQuery.Condition {
        let field: JobQuery.Field
        switch clause.field {
        case "properties/runbook/name": field = .runbookName
        case "properties/status":
            guard JobStatus(rawValue: clause.value) != nil else {
                throw .invalid(
                    "$filter: unknown job status \(Quoted.clip(clause.value)); one of "
                        + JobStatus.allCases.map(\.rawValue).joined(separator: ", "), target: "$filter")
            }
            field = .status
        case "properties/startTime": field = .startedAt
        case "properties/endTime": field = .endedAt
        case "properties/creationTime": field = .createdAt
        default: field = .lastModifiedAt
        }
        let comparison =
            JobQuery.Comparison(
                rawValue: ["eq": "=", "ne": "!=", "ge": ">=", "gt": ">", "le": "<=", "lt": "<"][clause.op] ?? "=")
            ?? .eq
        return JobQuery.Condition(field: field, comparison: comparison, value: clause.value, date: clause.date)
    }

    /// `TIME|ID`: the last job of the previous page.
    static func cursor(_ token: String) throws(ServiceError) -> (Date, String) {
        let parts = token.split(separator: "|", maxSplits: 1)
        guard parts.count == 2, let date = AzureTime.parse(String(parts[0])), UUID(uuidString: String(parts[1])) != nil
        else { throw .invalid("$skiptoken is not one this server gave", target: "$skiptoken") }
        return (date, String(parts[1]))
    }

    static func matches(_ record: StreamRecord, _ filter: ODataFilter) throws(ServiceError) -> Bool {
        for clause in filter.clauses {
            switch clause.field {
            case "properties/streamType":
                if clause.value != "Any" {
                    guard StreamKind(rawValue: clause.value) != nil else {
                        throw .invalid(
                            "$filter: unknown stream type \(Quoted.clip(clause.value)); one of Any, "
                                + StreamKind.allCases.map(\.rawValue).joined(separator: ", "), target: "$filter")
                    }
                    let equal = record.stream.rawValue == clause.value
                    if (clause.op == "eq") != equal { return false }
                }
            default:
                guard let date = clause.date else { return false }
                let holds: Bool
                switch clause.op {
                case "ge": holds = record.at >= date
                case "gt": holds = record.at > date
                case "le": holds = record.at <= date
                case "lt": holds = record.at < date
                case "ne": holds = record.at != date
                default: holds = record.at == date
                }
                if !holds { return false }
            }
        }
        return true
    }
}
