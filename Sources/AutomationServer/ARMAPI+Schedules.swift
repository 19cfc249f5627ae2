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
                let schedule = try Self.schedule(request.parameter("scheduleName"), try request.json())
                let created = try await service.saveSchedule(schedule)
                let stored = try await service.schedule(named: schedule.name)
                return .json(
                    ARMDocuments.schedule(stored, next: stored.recurrence.nextFire(after: Date()), account: path),
                    status: created ? 201 : 200)
            },
            ARMRoute("PATCH", Self.schedule, "Schedule_Update", writes: true) { request throws(ServiceError) in
                let (_, path) = try await account(request)
                let body = try request.json()
                let name = request.parameter("scheduleName")
                if let enabled = body["properties"]?["isEnabled"] {
                    guard let flag = Self.bool(enabled) else {
                        throw .invalid("properties.isEnabled is true or false", target: "properties.isEnabled")
                    }
                    try await service.setScheduleEnabled(name, flag)
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
                let properties = try request.json()["properties"] ?? .object([])
                guard let schedule = properties["schedule"]?["name"]?.string else {
                    throw .invalid("properties.schedule.name is required", target: "properties.schedule.name")
                }
                guard let runbook = properties["runbook"]?["name"]?.string else {
                    throw .invalid("properties.runbook.name is required", target: "properties.runbook.name")
                }
                if let runOn = properties["runOn"]?.string, !runOn.isEmpty {
                    throw .invalid(
                        "runOn '\(Quoted.clip(runOn))': hybrid worker groups are not supported",
                        target: "properties.runOn")
                }
                var parameters: [String: String] = [:]
                if case .object(let pairs) = properties["parameters"] ?? .object([]) {
                    for (key, value) in pairs {
                        guard let text = value.string else {
                            throw .invalid(
                                "parameter '\(Quoted.clip(key))' must be a string", target: "properties.parameters")
                        }
                        parameters[key] = text
                    }
                }
                let link = try await service.createJobSchedule(
                    id: request.parameter("jobScheduleId"), schedule: schedule, runbook: runbook, parameters: parameters
                )
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

    /// Azure's schedule body as a schedule: frequency, interval (number or string), start,
    /// expiry, time zone and advancedSchedule (weekDays, monthDays, monthlyOccurrences).
    static func schedule(_ name: String, _ body: JSONValue) throws(ServiceError) -> Schedule {
        guard let properties = body["properties"] else {
            throw .invalid("properties is required", target: "properties")
        }
        guard let frequencyText = properties["frequency"]?.string,
            let frequency = ScheduleFrequency(caseInsensitive: frequencyText), frequency != .cron
        else {
            throw .invalid(
                "properties.frequency is one of OneTime, Day, Hour, Week, Month, Minute", target: "properties.frequency"
            )
        }
        var interval = 1
        switch properties["interval"] {
        case .int(let number): interval = number
        case .string(let text):
            guard let number = Int(text) else {
                throw .invalid(
                    "properties.interval '\(Quoted.clip(text))' is not a whole number", target: "properties.interval")
            }
            interval = number
        case .number(let number):
            guard let exact = Int(exactly: number) else {
                throw .invalid("properties.interval is not a whole number", target: "properties.interval")
            }
            interval = exact
        case nil, .null: interval = 1
        default: throw .invalid("properties.interval is a number", target: "properties.interval")
        }
        guard let startText = properties["startTime"]?.string, let start = AzureTime.parse(startText) else {
            throw .invalid("properties.startTime is required, an ISO 8601 time", target: "properties.startTime")
        }
        var expiry: Date?
        if let text = properties["expiryTime"]?.string {
            guard let parsed = AzureTime.parse(text) else {
                throw .invalid(
                    "properties.expiryTime '\(Quoted.clip(text))' is not an ISO 8601 time",
                    target: "properties.expiryTime")
            }
            // Azure's "never": 9999-12-31T23:59:59.9999999.
            expiry = parsed.timeIntervalSince1970 >= 253_402_300_000 ? nil : parsed
        }
        let zone = properties["timeZone"]?.string ?? "UTC"
        let advanced = properties["advancedSchedule"] ?? .null
        var weekDays: [Weekday] = []
        if case .array(let items) = advanced["weekDays"] ?? .array([]) {
            for item in items {
                guard let text = item.string, let day = Weekday(name: text) else {
                    throw .invalid(
                        "advancedSchedule.weekDays holds a day that is not Monday to Sunday",
                        target: "properties.advancedSchedule.weekDays")
                }
                weekDays.append(day)
            }
        }
        var monthDays: [Int] = []
        if case .array(let items) = advanced["monthDays"] ?? .array([]) {
            for item in items {
                guard case .int(let day) = item else {
                    throw .invalid(
                        "advancedSchedule.monthDays holds numbers (1 to 31, -1 for the last day)",
                        target: "properties.advancedSchedule.monthDays")
                }
                monthDays.append(day)
            }
        }
        var occurrences: [MonthlyOccurrence] = []
        if case .array(let items) = advanced["monthlyOccurrences"] ?? .array([]) {
            for item in items {
                guard case .int(let occurrence) = item["occurrence"] ?? .null, let text = item["day"]?.string,
                    let day = Weekday(name: text)
                else {
                    throw .invalid(
                        "advancedSchedule.monthlyOccurrences holds {occurrence: 1..5 or -1, day: Monday..Sunday}",
                        target: "properties.advancedSchedule.monthlyOccurrences")
                }
                occurrences.append(MonthlyOccurrence(occurrence: occurrence, day: day))
            }
        }
        let recurrence = Recurrence(
            frequency: frequency, interval: interval, startTime: start, expiryTime: expiry, timeZone: zone,
            weekDays: weekDays, monthDays: monthDays, occurrences: occurrences)
        return Schedule(
            name: name, description: properties["description"]?.string ?? "", recurrence: recurrence,
            enabled: properties["isEnabled"].flatMap(bool) ?? true)
    }
}
