import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand {
    struct ScheduleCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "schedule",
            abstract: "Create, inspect and preview schedules that start runbooks.",
            discussion: Help.reflow(
                """
                Frequencies follow Azure: OneTime, Hour, Day, Week (chosen week days), Month (days of the
                month, -1 for the last, or occurrences such as first:Monday); each with an interval, a
                start, an optional expiry and an IANA time zone. Azure's floor is one hour; Minute and
                5-field Cron are this tool's extensions.

                Daylight-saving changes: a wall-clock time that does not exist that day (spring forward)
                fires when the clock would have shown it, shifted later by the gap; a time that happens
                twice (fall back) fires once, at its first occurrence. A month day the month lacks (the
                31st in April) is skipped.

                'runbook scheduler' runs them (the daemon, or --once for one pass); 'preview' shows
                when a schedule would fire, 'show' its last fires and their outcome.
                """),
            subcommands: [Create.self, List.self, Show.self, Preview.self, Enable.self, Disable.self, Delete.self],
            defaultSubcommand: List.self)
    }
}

extension RunbookCommand.ScheduleCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List schedules with their next fire time.")

        /// `2026-12-31 23:00` in UTC: fires fall on minutes, and the header says the zone.
        static func minute(_ date: Date) -> String {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
            return String(
                format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
                parts.minute ?? 0)
        }

        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withService(create: false) { service in try await list(service) }
        }

        private func list(_ service: AutomationService) async throws {
            let schedules = try await service.schedules()
            if json {
                try JSONOutput.print(schedules)
                return
            }
            guard !schedules.isEmpty else {
                Terminal.out("No schedules. Create one with: runbook schedule create --help")
                return
            }
            var table = Table(
                headers: ["NAME", "FREQUENCY", "ZONE", "ON", "NEXT FIRE (UTC)", "LAST", "RUNBOOKS"])
            var invalid: [(String, [String])] = []
            for schedule in schedules {
                // A schedule stored out of bounds (by an older version, or by hand) is listed, not fatal.
                let problems = schedule.problems()
                if !problems.isEmpty { invalid.append((schedule.name, problems)) }
                let next = problems.isEmpty ? schedule.recurrence.nextFire(after: Date()) : nil
                let nextText =
                    !problems.isEmpty
                    ? "invalid" : !schedule.enabled ? "- (disabled)" : next.map(Self.minute) ?? "none"
                table.rows.append([
                    schedule.name, schedule.recurrence.summary, schedule.recurrence.timeZone,
                    schedule.enabled ? "yes" : "no", nextText,
                    try await service.fires(schedule: schedule.name, limit: 1).first.map(ScheduleText.outcome) ?? "-",
                    schedule.links.map(\.runbook).joined(separator: ", "),
                ])
            }
            Terminal.out(table.render(width: layout.width))
            for (name, problems) in invalid {
                Terminal.warning(ScheduleText.invalid(name, problems))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a schedule: definition, links, next fires.")

        @Argument(help: "Schedule name.") var name: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withService(create: false) { service in try await show(service) }
        }

        private func show(_ service: AutomationService) async throws {
            let schedule = try await ScheduleLookup.find(name, in: service)
            if json {
                try JSONOutput.print(schedule)
                return
            }
            let recurrence = schedule.recurrence
            var lines = [
                "Schedule:    \(schedule.name)\(schedule.enabled ? "" : " (disabled)")",
                "Frequency:   \(recurrence.summary)",
                "Time zone:   \(recurrence.timeZone)",
                "Start:       \(ScheduleTime.local(recurrence.startTime, timeZone: recurrence.timeZone)) "
                    + "(\(recurrence.startTime.formatted(.iso8601)))",
                "Expiry:      \(recurrence.expiryTime.map { $0.formatted(.iso8601) } ?? "never")",
                "Misfires:    \(schedule.misfire.rawValue)",
                "Overlaps:    \(schedule.overlap.rawValue)",
                "Job timeout: \(schedule.timeoutSeconds.map { DurationText.format(.seconds($0)) } ?? "the runbook's (default 3h)")",
                "Runbooks:",
            ]
            for link in schedule.links {
                let parameters = link.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
                lines.append(
                    "  \(link.runbook)\(parameters.isEmpty ? "" : " " + parameters.joined(separator: " "))"
                        + (link.runOn.map { "  (runs on the hybrid worker group \($0))" } ?? "")
                        + (link.folder.map { "  (from \($0))" } ?? ""))
            }
            if schedule.links.isEmpty { lines.append("  (none: the schedule starts nothing)") }
            let problems = schedule.problems()
            guard problems.isEmpty else {
                lines.append("Next fires:  none (the schedule is invalid)")
                Terminal.out(lines.joined(separator: "\n"))
                Terminal.warning(ScheduleText.invalid(schedule.name, problems))
                return
            }
            if schedule.enabled {
                lines.append("Next fires:")
                for fire in recurrence.preview(after: Date(), count: 5) {
                    lines.append(
                        "  \(ScheduleTime.local(fire, timeZone: recurrence.timeZone))  \(fire.formatted(.iso8601))")
                }
            } else {
                lines.append("Next fires:  none while disabled ('runbook schedule enable \(schedule.name)')")
            }
            let fires = try await service.fires(schedule: schedule.name, limit: 10)
            lines.append(fires.isEmpty ? "Last fires:  none yet" : "Last fires (newest first):")
            for fire in fires {
                lines.append("  \(fire.fireTime.formatted(.iso8601))  \(ScheduleText.outcome(fire))")
            }
            Terminal.out(lines.joined(separator: "\n"))
        }
    }

    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the next fire times in the schedule's zone and in UTC.")

        @Argument(help: "Schedule name.") var name: String
        @Option(help: "How many fire times.") var count = 10
        @Option(help: "Start from this time instead of now (ISO 8601).") var after: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard (1...10_000).contains(count) else { throw ValidationError("--count must be between 1 and 10000") }
            if let after, (try? Date(after, strategy: .iso8601)) == nil {
                throw ValidationError("--after '\(after)' is not an ISO 8601 time such as 2026-11-25T02:00:00Z")
            }
        }

        func run() async throws {
            let name = self.name
            let schedule = try await store.withService(create: false) { service in
                try await ScheduleLookup.find(name, in: service)
            }
            let problems = schedule.problems()
            guard problems.isEmpty else {
                Terminal.error(ScheduleText.invalid(schedule.name, problems))
                throw ExitCode(65)
            }
            let start = after.flatMap { try? Date($0, strategy: .iso8601) } ?? Date()
            let fires = schedule.recurrence.preview(after: start, count: count)
            let zone = schedule.recurrence.timeZone
            if json {
                struct Fire: Encodable {
                    var local: String
                    var utc: Date
                }
                try JSONOutput.print(fires.map { Fire(local: ScheduleTime.local($0, timeZone: zone), utc: $0) })
                return
            }
            var table = Table(headers: ["#", "LOCAL (\(zone))", "UTC"])
            for (index, fire) in fires.enumerated() {
                table.rows.append([
                    String(index + 1), ScheduleTime.local(fire, timeZone: zone), fire.formatted(.iso8601),
                ])
            }
            Terminal.out(fires.isEmpty ? "No fire times left (expired or one-time in the past)." : table.render())
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn a schedule on.")
        @Argument(help: "Schedule name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let name = self.name
            try await store.withService(create: false) { try await ScheduleLookup.setEnabled(name, true, service: $0) }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Turn a schedule off (it is kept).")
        @Argument(help: "Schedule name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let name = self.name
            try await store.withService(create: false) { try await ScheduleLookup.setEnabled(name, false, service: $0) }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a schedule (its past jobs stay in the history).")
        @Argument(help: "Schedule name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let name = self.name
            try await store.withService(create: false) { service in
                try await Terminal.exitOnError { () async throws(ServiceError) in
                    try await service.deleteSchedule(named: name)
                }
                Terminal.out("Deleted schedule '\(name)'.")
            }
        }
    }
}

enum ScheduleLookup {
    static func find(_ name: String, in service: AutomationService) async throws -> Schedule {
        if let schedule = try await service.findSchedule(named: name) { return schedule }
        Terminal.error(
            "no schedule named '\(name)'\(Suggestion.hint(for: name, among: try await service.scheduleNames()))")
        throw ExitCode(1)
    }

    static func setEnabled(_ name: String, _ enabled: Bool, service: AutomationService) async throws {
        try await Terminal.exitOnError { () async throws(ServiceError) in
            try await service.setScheduleEnabled(name, enabled)
        }
        Terminal.out("Schedule '\(name)' \(enabled ? "enabled" : "disabled").")
    }
}

enum ScheduleText {
    /// `started job 0ac8326c`, `failed: runbook 'scan': no runbook 'scan' in /srv/runbooks`,
    /// `skipped: the schedule's previous job is still running (overlap policy skip)`.
    static func outcome(_ fire: FireRecord) -> String {
        var text = fire.status.rawValue
        if let job = fire.jobId { text += " job \(job.prefix(8))" }
        if let reason = fire.reason, !reason.isEmpty { text += ": " + reason }
        return text
    }

    /// Why a stored schedule is not run; it stays listed so that it can be fixed or deleted.
    static func invalid(_ name: String, _ problems: [String]) -> String {
        "schedule '\(name)' is invalid and is not run: \(problems.joined(separator: "; ")); "
            + "fix it with 'runbook schedule create \(name) --replace ...' or delete it"
    }
}
