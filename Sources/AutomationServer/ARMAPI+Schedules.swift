import Automation
import AutomationService
import Foundation

extension ARMAPI {
    static let schedules = account + "/schedules"
    static let schedule = schedules + "/{scheduleName}"
    static let jobSchedules = account + "/jobSchedules"
    static let jobSchedule = jobSchedules + "/{jobScheduleId}"

    var scheduleRoutes: [ARMRoute] {
        [
            ARMRoute("PUT", Self.schedule, "Schedule_CreateOrUpdate", writes: true) { request throws(ServiceError) in
                let (_, path) = try await account(request)
                let schedule = try request.decode(ScheduleBody.self).schedule(named: request.parameter("scheduleName"))
                let created = try await service.saveSchedule(schedule)
                let stored = try await service.schedule(named: schedule.name)
                return .json(
                    ARMDocuments.schedule(stored, next: stored.recurrence.nextFire(after: Date()), account: path),
                    status: created ? 201 : 200)
            },
            ARMRoute("PATCH", Self.schedule, "Schedule_Update", writes: true) { request throws(ServiceError) in
                let (_, path) = try await account(request)
                let name = request.parameter("scheduleName")
                if let enabled = try request.decode(ScheduleUpdateBody.self).isEnabled {
                    try await service.setScheduleEnabled(name, enabled)
                }
                let stored = try await service.schedule(named: name)
                return .json(
                    ARMDocuments.schedule(stored, next: stored.recurrence.nextFire(after: Date()), account: path))
            },
            ARMRoute("GET", Self.schedule, "Schedule_Get") { request throws(ServiceError) in
                let (_, path) = try await account(request)
                let stored = try await service.schedule(named: request.parameter("scheduleName"))
                return .json(
                    ARMDocuments.schedule(stored, next: stored.recurrence.nextFire(after: Date()), account: path))
            },
            ARMRoute("GET", Self.schedules, "Schedule_ListByAutomationAccount") { request throws(ServiceError) in
                let (_, path) = try await account(request)
                let now = Date()
                let items = try await service.schedules().map {
                    ARMDocuments.schedule(
                        $0, next: $0.problems().isEmpty ? $0.recurrence.nextFire(after: now) : nil, account: path)
                }
                return .json(ARMDocuments.page(items, next: nil))
            },
            ARMRoute("DELETE", Self.schedule, "Schedule_Delete", writes: true) { request throws(ServiceError) in
                _ = try await account(request)
                try await service.deleteSchedule(named: request.parameter("scheduleName"))
                return .empty(200)
            },
        ]
    }

    var jobScheduleRoutes: [ARMRoute] {
        [
            ARMRoute("PUT", Self.jobSchedule, "JobSchedule_Create", writes: true) { request throws(ServiceError) in
                let (_, path) = try await account(request)
                let body = try request.decode(JobScheduleBody.self)
                let link = try await service.createJobSchedule(
                    id: request.parameter("jobScheduleId"), schedule: body.schedule, runbook: body.runbook,
                    parameters: body.parameters, runOn: body.runOn)
                return .json(ARMDocuments.jobSchedule(link, account: path), status: 201)
            },
            ARMRoute("GET", Self.jobSchedule, "JobSchedule_Get") { request throws(ServiceError) in
                let (_, path) = try await account(request)
                return .json(
                    ARMDocuments.jobSchedule(
                        try await service.jobSchedule(id: request.parameter("jobScheduleId")), account: path))
            },
            ARMRoute("GET", Self.jobSchedules, "JobSchedule_ListByAutomationAccount") { request throws(ServiceError) in
                let (_, path) = try await account(request)
                var links = try await service.jobSchedules()
                if let text = request.query["$filter"] {
                    let filter = try ODataFilter.parse(
                        text, fields: ["properties/runbook/name": false, "properties/schedule/name": false])
                    links = links.filter { link in
                        filter.clauses.allSatisfy { clause in
                            let actual = clause.field == "properties/runbook/name" ? link.runbook : link.schedule
                            return (actual == clause.value) == (clause.op == "eq")
                        }
                    }
                }
                return .json(ARMDocuments.page(links.map { ARMDocuments.jobSchedule($0, account: path) }, next: nil))
            },
            ARMRoute("DELETE", Self.jobSchedule, "JobSchedule_Delete", writes: true) { request throws(ServiceError) in
                _ = try await account(request)
                try await service.deleteJobSchedule(id: request.parameter("jobScheduleId"))
                return .empty(200)
            },
        ]
    }
}
