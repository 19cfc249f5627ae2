import Automation
import AutomationService
import Foundation

/// Azure's resource documents, field by field as azure-mgmt-automation 2.0.0 reads them
/// (docs/AZURE.md, "The ARM API"), with Azure's enum casing.
enum ARMDocuments {
    static func accountPath(_ state: AccountState) -> String {
        "/subscriptions/\(state.account.subscription)/resourceGroups/\(state.account.resourceGroup)"
            + "/providers/Microsoft.Automation/automationAccounts/\(state.account.name)"
    }

    static func account(_ state: AccountState) -> JSONValue {
        .object([
            ("id", .string(accountPath(state))), ("name", .string(state.account.name)),
            ("type", .string("Microsoft.Automation/AutomationAccounts")),
            ("location", .string(state.account.region.name)), ("tags", .object([])), ("etag", .null),
            (
                "properties",
                .object([
                    ("sku", .object([("name", .string("Basic"))])), ("state", .string("Ok")),
                    ("creationTime", .null), ("lastModifiedTime", .null), ("lastModifiedBy", .null),
                    ("description", .null), ("publicNetworkAccess", .bool(true)), ("disableLocalAuth", .bool(false)),
                    ("linkedWorkspace", .string(state.workspace.name)),
                    ("limitsProfile", .string(state.account.profile.rawValue)),
                ])
            ),
        ])
    }

    static func runbook(_ runbook: RunbookResource, account: String) -> JSONValue {
        let parameters: [(String, JSONValue)] =
            ((try? runbook.loadedPublished())?.runbook.parameters ?? []).map { parameter in
                (
                    parameter.name,
                    .object([
                        ("type", .string(parameter.type.rawValue)), ("isMandatory", .bool(parameter.required)),
                        ("position", .int(0)), ("defaultValue", .optional(parameter.defaultValue?.description)),
                    ])
                )
            }
        return .object([
            ("id", .string(account + "/runbooks/" + runbook.name)), ("name", .string(runbook.name)),
            ("type", .string("Microsoft.Automation/AutomationAccounts/Runbooks")), ("location", .null),
            ("tags", .object([])), ("etag", .string("\"\(runbook.version)\"")),
            (
                "properties",
                .object([
                    ("runbookType", .string(runbook.type)), ("state", .string(runbook.state.rawValue)),
                    ("logVerbose", .bool(runbook.logVerbose)), ("logProgress", .bool(runbook.logProgress)),
                    ("logActivityTrace", .int(0)), ("jobCount", .int(0)), ("parameters", .object(parameters)),
                    ("outputTypes", .array([])), ("provisioningState", .string("Succeeded")),
                    ("lastModifiedBy", .null), ("creationTime", .date(runbook.createdAt)),
                    ("lastModifiedTime", .date(runbook.updatedAt)), ("description", .string(runbook.description)),
                    (
                        "draft",
                        .object([
                            ("inEdit", .bool(runbook.draft != nil)), ("creationTime", .date(runbook.draft?.at)),
                            ("lastModifiedTime", .date(runbook.draft?.at)),
                        ])
                    ),
                ])
            ),
        ])
    }

    static func draft(_ runbook: RunbookResource) -> JSONValue {
        .object([
            ("inEdit", .bool(runbook.draft != nil)), ("draftContentLink", .null),
            ("creationTime", .date(runbook.draft?.at ?? runbook.createdAt)),
            ("lastModifiedTime", .date(runbook.draft?.at ?? runbook.updatedAt)), ("parameters", .object([])),
            ("outputTypes", .array([])),
        ])
    }

    static func provisioning(_ status: JobStatus) -> String {
        switch status {
        case .completed, .failed, .stopped: "Succeeded"
        case .suspended: "Suspended"
        default: "Processing"
        }
    }

    static func jobProperties(_ job: Job) -> [(String, JSONValue)] {
        let parameters = job.parameters.keys.sorted().map {
            ($0, JSONValue.string(job.parameters[$0]?.description ?? ""))
        }
        let lastModified = job.endedAt ?? job.startedAt ?? job.createdAt
        return [
            ("runbook", .object([("name", .string(job.runbookName))])),
            ("startedBy", .optional(job.startedBy ?? "api")),
            ("runOn", .string(job.runOn ?? "")), ("jobId", .string(job.id)), ("creationTime", .date(job.createdAt)),
            ("status", .string(job.status.rawValue)), ("statusDetails", .string(job.status.rawValue)),
            ("startTime", .date(job.startedAt)), ("endTime", .date(job.endedAt)),
            ("exception", .optional(job.exception)),
            ("lastModifiedTime", .date(lastModified)), ("lastStatusModifiedTime", .date(lastModified)),
            ("parameters", .object(parameters)), ("provisioningState", .string(provisioning(job.status))),
            ("jobRuntimeEnvironment", .object([("runtimeEnvironmentName", .string("runbook-yaml"))])),
        ]
    }

    static func job(_ job: Job, account: String) -> JSONValue {
        .object([
            ("id", .string(account + "/jobs/" + job.id)), ("name", .string(job.id)),
            ("type", .string("Microsoft.Automation/AutomationAccounts/Jobs")),
            ("properties", .object(jobProperties(job))),
        ])
    }

    /// `abc:00000000000000000001`: Azure's stream id, the job id and the record's sequence.
    static func streamId(_ job: String, _ record: StreamRecord) -> String {
        let seq = String(record.seq)
        return job + ":" + String(repeating: "0", count: max(0, 20 - seq.count)) + seq
    }

    static func stream(_ record: StreamRecord, job: String, account: String, full: Bool) -> JSONValue {
        var properties: [(String, JSONValue)] = [
            ("jobStreamId", .string(streamId(job, record))), ("time", .date(record.at)),
            ("streamType", .string(record.stream.rawValue)),
            ("summary", .string(String(record.message.prefix(200)))),
        ]
        if full {
            properties += [("streamText", .string(record.message)), ("value", .object([]))]
        }
        return .object([
            ("id", .string(account + "/jobs/" + job + "/streams/" + streamId(job, record))),
            ("properties", .object(properties)),
        ])
    }

    static func schedule(_ schedule: Schedule, next: Date?, account: String) -> JSONValue {
        let recurrence = schedule.recurrence
        var advanced: [(String, JSONValue)] = []
        if !recurrence.weekDays.isEmpty {
            advanced.append(("weekDays", .array(recurrence.weekDays.map { .string($0.rawValue) })))
        }
        if !recurrence.monthDays.isEmpty {
            advanced.append(("monthDays", .array(recurrence.monthDays.map { .int($0) })))
        }
        if !recurrence.occurrences.isEmpty {
            advanced.append(
                (
                    "monthlyOccurrences",
                    .array(
                        recurrence.occurrences.map {
                            .object([("occurrence", .int($0.occurrence)), ("day", .string($0.day.rawValue))])
                        })
                ))
        }
        return .object([
            ("id", .string(account + "/schedules/" + schedule.name)), ("name", .string(schedule.name)),
            ("type", .string("Microsoft.Automation/AutomationAccounts/Schedules")),
            (
                "properties",
                .object([
                    ("startTime", .date(recurrence.startTime)), ("startTimeOffsetMinutes", .number(0)),
                    (
                        "expiryTime",
                        .string(recurrence.expiryTime.map(AzureTime.format) ?? "9999-12-31T23:59:59.9999999+00:00")
                    ),
                    ("expiryTimeOffsetMinutes", .number(0)), ("isEnabled", .bool(schedule.enabled)),
                    ("nextRun", .date(schedule.enabled ? next : nil)), ("nextRunOffsetMinutes", .number(0)),
                    ("interval", .int(recurrence.interval)), ("frequency", .string(recurrence.frequency.rawValue)),
                    ("timeZone", .string(recurrence.timeZone)),
                    ("advancedSchedule", advanced.isEmpty ? .null : .object(advanced)),
                    ("creationTime", .null), ("lastModifiedTime", .null),
                    ("description", schedule.description.isEmpty ? .null : .string(schedule.description)),
                ])
            ),
        ])
    }

    static func jobSchedule(_ link: AutomationService.JobScheduleLink, account: String) -> JSONValue {
        .object([
            ("id", .string(account + "/jobSchedules/" + link.id)), ("name", .string(link.id)),
            ("type", .string("Microsoft.Automation/AutomationAccounts/JobSchedules")),
            (
                "properties",
                .object([
                    ("jobScheduleId", .string(link.id)), ("schedule", .object([("name", .string(link.schedule))])),
                    ("runbook", .object([("name", .string(link.runbook))])),
                    ("runOn", link.runOn.map(JSONValue.string) ?? .null),
                    (
                        "parameters",
                        .object(link.parameters.keys.sorted().map { ($0, .string(link.parameters[$0] ?? "")) })
                    ),
                ])
            ),
        ])
    }

    /// A list page: `{"value": [...], "nextLink": "..."}` (nextLink relative to the server).
    static func page(_ items: [JSONValue], next: String?) -> JSONValue {
        var pairs: [(String, JSONValue)] = [("value", .array(items))]
        if let next { pairs.append(("nextLink", .string(next))) }
        return .object(pairs)
    }
}
