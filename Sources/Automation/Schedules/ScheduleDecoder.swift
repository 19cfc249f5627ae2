import Foundation
import YAML

/// A `schedules:` entry of an automation file.
struct ScheduleDecoder {
    static let keys = [
        "name", "description", "frequency", "interval", "start", "expiry", "timeZone", "weekDays", "monthDays",
        "occurrences", "cron", "misfire", "overlap", "timeout", "enabled", "runbooks",
    ]
    static let linkKeys = ["name", "parameters", "runOn"]

    var sink: DiagnosticSink

    mutating func decode(_ node: Node) -> Schedule? {
        guard sink.mapping(node, "a schedule") != nil else { return nil }
        sink.checkKeys(of: node, known: Self.keys, context: "schedule")
        guard let nameNode = node["name"], let name = sink.string(nameNode, "'name' of a schedule") else {
            if node["name"] == nil { sink.error("schedule is missing required key 'name'", at: node.mark) }
            return nil
        }
        if let problem = ResourceName.problem(name, kind: "schedule") {
            sink.error(problem, at: nameNode.mark)
            return nil
        }
        let what = "schedule '\(name)'"
        var frequency = ScheduleFrequency.day
        if let frequencyNode = node["frequency"], let text = sink.string(frequencyNode, "'frequency'") {
            if let parsed = ScheduleFrequency(caseInsensitive: text) {
                frequency = parsed
            } else {
                let hint = Suggestion.hint(for: text, among: ScheduleFrequency.allCases.map(\.rawValue))
                sink.error("unknown frequency \(Quoted.clip(text))\(hint)", at: frequencyNode.mark)
            }
        } else if node["frequency"] == nil {
            sink.error("\(what) is missing required key 'frequency'", at: node.mark)
        }
        let timeZone = node["timeZone"].flatMap { sink.string($0, "'timeZone'") } ?? "UTC"
        // An unknown zone is reported once (by problems()); times are then read as UTC to go on checking.
        let readingZone = TimeZone(identifier: timeZone) == nil ? "UTC" : timeZone
        let start = time(node["start"], "start", timeZone: readingZone)
        if node["start"] == nil { sink.error("\(what) is missing required key 'start'", at: node.mark) }
        let expiry = time(node["expiry"], "expiry", timeZone: readingZone)
        var weekDays: [Weekday] = []
        for item in node["weekDays"].flatMap({ sink.sequence($0, "'weekDays'") }) ?? [] {
            if let text = item.scalarText, let day = Weekday(name: text) {
                weekDays.append(day)
            } else {
                sink.error("\(Quoted.clip(item.scalarText ?? "?")) is not a week day (Monday, Tue, ...)", at: item.mark)
            }
        }
        let monthDays = (node["monthDays"].flatMap { sink.sequence($0, "'monthDays'") } ?? []).compactMap {
            sink.int($0, "a month day")
        }
        var occurrences: [MonthlyOccurrence] = []
        for item in node["occurrences"].flatMap({ sink.sequence($0, "'occurrences'") }) ?? [] {
            if let text = item.scalarText, let rule = MonthlyOccurrence.parse(text) {
                occurrences.append(rule)
            } else {
                sink.error(
                    "\(Quoted.clip(item.scalarText ?? "?")) is not an occurrence such as 'first Monday'", at: item.mark)
            }
        }
        var schedule = Schedule(
            name: name, description: node["description"].flatMap { sink.string($0, "'description'") } ?? "",
            recurrence: Recurrence(
                frequency: frequency,
                interval: node["interval"].flatMap {
                    sink.int($0, "'interval'", range: 1...Recurrence.maximumInterval(frequency))
                } ?? 1,
                // A missing or bad start is already reported; 1970 keeps it from a second report.
                startTime: start ?? Date(timeIntervalSince1970: 0), expiryTime: expiry, timeZone: timeZone,
                weekDays: weekDays,
                monthDays: monthDays, occurrences: occurrences,
                cron: node["cron"].flatMap { sink.string($0, "'cron'") }),
            enabled: node["enabled"].flatMap { sink.bool($0, "'enabled'") } ?? true)
        if let policy: MisfirePolicy = node["misfire"].flatMap({ sink.choice($0, "misfire policy") }) {
            schedule.misfire = policy
        }
        if let policy: OverlapPolicy = node["overlap"].flatMap({ sink.choice($0, "overlap policy") }) {
            schedule.overlap = policy
        }
        if let timeout = node["timeout"].flatMap({ sink.duration($0, "'timeout' of \(what)") }) {
            schedule.timeoutSeconds = Int(timeout.components.seconds)
        }
        schedule.links = links(node["runbooks"])
        for problem in schedule.problems() { sink.error("\(what): \(problem)", at: node.mark) }
        return schedule
    }

    private mutating func time(_ node: Node?, _ field: String, timeZone: String) -> Date? {
        guard let node, let text = sink.string(node, "'\(field)'") else { return nil }
        do {
            return try ScheduleTime.read(text, timeZone: timeZone)
        } catch .notATime {
            sink.error("'\(field)' must be a time such as 2026-11-25T02:00:00Z or '2026-11-25 02:00'", at: node.mark)
        } catch {
            sink.error("'\(field)': \(error)", at: node.mark)
        }
        return nil
    }

    /// `runbooks: [name, {name: scan, parameters: {machines: [a, b]}}]`; values become `-p` text.
    private mutating func links(_ node: Node?) -> [ScheduleLink] {
        guard let node, let items = sink.sequence(node, "'runbooks'") else { return [] }
        return items.compactMap { item in
            if let name = item.scalarText { return ScheduleLink(runbook: name) }
            guard sink.mapping(item, "a runbook link") != nil else { return nil }
            sink.checkKeys(of: item, known: Self.linkKeys, context: "runbook link")
            guard let name = item["name"].flatMap({ sink.string($0, "'name' of a runbook link") }) else { return nil }
            var parameters: [String: String] = [:]
            for pair in item["parameters"].flatMap({ sink.mapping($0, "'parameters'") }) ?? [] {
                guard let key = pair.key.scalarText else { continue }
                switch sink.value(pair.value) {
                case .list(let values): parameters[key] = values.map(\.description).joined(separator: ",")
                case .null: parameters[key] = ""
                case let other: parameters[key] = other.description
                }
            }
            let runOn = item["runOn"].flatMap { sink.string($0, "'runOn' of a runbook link") }
            return ScheduleLink(runbook: name, parameters: parameters, runOn: runOn?.isEmpty == true ? nil : runOn)
        }
    }
}
