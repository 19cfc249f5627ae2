import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand.ScheduleCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a schedule (or replace one with --replace).",
            discussion: Help.reflow(
                """
                Examples:
                  runbook schedule create nightly --frequency Day --start "2026-11-25 02:00" \\
                      --time-zone Europe/London --runbook scan
                  runbook schedule create weekly-report --frequency Week --week-days Mon \\
                      --start "2026-11-30 07:00"
                  runbook schedule create month-end --frequency Month --month-days -1 \\
                      --start "2026-11-30 23:00"
                  runbook schedule create first-monday --frequency Month \\
                      --occurrence first:Monday
                  runbook schedule create every-15 --frequency Cron --cron "*/15 * * * *"

                Times are ISO 8601 (2026-11-25T02:00:00Z) or wall-clock (2026-11-25 02:00) in --time-zone.
                The runbook's parameters are checked now: -p values must bind as 'runbook run' would.
                """))

        @Argument(help: "Schedule name.") var name: String
        @Option(
            help:
                "How often: Azure's OneTime, Hour, Day, Week, Month; extensions: Minute (Azure's floor is one hour), Cron."
        )
        var frequency: ScheduleFrequency
        @Option(help: "Every N units of the frequency.") var interval = 1
        @Option(help: "First fire time (default: the next minute for Minute, else five minutes from now).")
        var start: String?
        @Option(help: "No fires after this time.") var expiry: String?
        @Option(help: "IANA time zone for wall-clock times, days and months.") var timeZone = "UTC"
        @Option(help: "Week: days such as Mon,Fri.") var weekDays: String?
        @Option(
            parsing: .unconditional,
            help: "Month: days of the month such as 1,15,-1 (-1 or 'last' is the last day).")
        var monthDays: String?
        @Option(
            name: .customLong("occurrence"),
            help: "Month: an occurrence such as first:Monday or last:Friday (repeatable).")
        var occurrences: [String] = []
        @Option(help: "Cron: a 5-field expression, minute hour day month weekday.") var cron: String?
        @Option(help: "Runbook to start (repeatable; parameters with -p apply to the last one named before them).")
        var runbook: [String] = []
        @Option(
            name: [.customShort("p"), .customLong("param")],
            help: "A parameter for the runbook, NAME=VALUE (repeatable).")
        var parameters: [String] = []
        @Option(help: "Missed fires after downtime: run the latest once, or skip them.") var misfire = MisfirePolicy
            .runOnce
        @Option(help: "A fire while the last job still runs: skip it, queue it, or allow both.") var overlap =
            OverlapPolicy.skip
        @Option(help: "Time limit of each job it starts (45m, 2h); default: the runbook's, else 3h as Azure.")
        var timeout: String?
        @Option(help: "Description.") var description = ""
        @Option(
            help: ArgumentHelp(
                "Run its jobs on this Hybrid Runbook Worker group's agents (runbook agent --group), not on the "
                    + "service's nodes.", valueName: "group"))
        var runOn: String?
        @Flag(help: "Replace a schedule of the same name.") var replace = false
        @Flag(help: "Create it disabled.") var disabled = false
        @OptionGroup var store: StoreOptions
        @OptionGroup var runbooks: RunbookFolderOptions

        func validate() throws {
            if let problem = ResourceName.problem(name, kind: "schedule") { throw ValidationError(problem) }
            if runbook.count > 1 && !parameters.isEmpty {
                throw ValidationError(
                    "-p applies to one runbook; create with one --runbook, then add links with --replace")
            }
            _ = try KeyValueArguments.parse(parameters, what: "parameter")
            if let timeout {
                do {
                    guard try DurationText.read(timeout) > .zero else {
                        throw ValidationError("--timeout '\(timeout)' must be longer than zero, such as 45m or 2h")
                    }
                } catch let problem as DurationText.Problem {
                    throw ValidationError("--timeout: \(problem)")
                }
            }
        }

        func run() async throws {
            var problems: [String] = []
            let now = Date()
            // Without --start: the next whole minute for a Minute schedule (it fires every minute
            // from now); five minutes out for the others, as Azure's portal proposes.
            let lead: TimeInterval = frequency == .minute ? 1 : 300
            let defaultStart = Date(timeIntervalSince1970: ((now.timeIntervalSince1970 + lead) / 60).rounded(.up) * 60)
            var startTime = defaultStart
            // An unknown zone is reported once, by problems(); times are then read as UTC.
            let readingZone = TimeZone(identifier: timeZone) == nil ? "UTC" : timeZone
            if let start {
                do {
                    startTime = try ScheduleTime.read(start, timeZone: readingZone)
                } catch {
                    problems.append("start: \(error)")
                }
            }
            var expiryTime: Date?
            if let expiry {
                do {
                    expiryTime = try ScheduleTime.read(expiry, timeZone: readingZone)
                } catch {
                    problems.append("expiry: \(error)")
                }
            }
            var days: [Weekday] = []
            for text in (weekDays ?? "").split(separator: ",").map(String.init) {
                if let day = Weekday(name: text) {
                    days.append(day)
                } else {
                    problems.append("weekDays: '\(text)' is not a week day")
                }
            }
            var dates: [Int] = []
            for text in (monthDays ?? "").split(separator: ",").map(String.init) {
                if let day = text.lowercased() == "last" ? -1 : Int(text) {
                    dates.append(day)
                } else {
                    problems.append("monthDays: '\(text)' is not a number")
                }
            }
            var rules: [MonthlyOccurrence] = []
            for text in occurrences {
                if let rule = MonthlyOccurrence.parse(text) {
                    rules.append(rule)
                } else {
                    problems.append("occurrence: '\(text)' is not like first:Monday, 2:Tue or last:Friday")
                }
            }
            let recurrence = Recurrence(
                frequency: frequency, interval: interval, startTime: startTime, expiryTime: expiryTime,
                timeZone: timeZone, weekDays: days, monthDays: dates, occurrences: rules, cron: cron)
            let values = try KeyValueArguments.parse(parameters, what: "parameter")
            let links = runbook.map {
                ScheduleLink(runbook: $0, parameters: runbook.count == 1 ? values : [:], runOn: runOn)
            }
            let schedule = Schedule(
                name: name, description: description, recurrence: recurrence, enabled: !disabled, misfire: misfire,
                overlap: overlap,
                timeoutSeconds: timeout.flatMap(DurationText.parse).map { Int($0.components.seconds) },
                links: links)
            // The service checks the rest (recurrence, policies, links against the published runbooks).
            try await store.withService(create: true) { service in
                try await save(schedule, problems: problems, service)
            }
            let next = recurrence.nextFire(after: now)
            if start != nil, startTime < now {
                // Fires before now are not made up (Azure starts a schedule at its next occurrence).
                Terminal.note(
                    "the start \(startTime.formatted(.iso8601)) is in the past: the schedule first fires at "
                        + (next.map { ScheduleTime.local($0, timeZone: timeZone) } ?? "no time (it has expired)")
                        + "; the fires before now are not run")
            }
            Terminal.out(
                "Schedule '\(name)' \(replace ? "saved" : "created"): \(recurrence.summary) in \(timeZone); "
                    + "next fire \(next.map { ScheduleTime.local($0, timeZone: timeZone) + " (" + $0.formatted(.iso8601) + ")" } ?? "none")."
            )
        }

        /// Saves the schedule after the service checks it whole (links against the published
        /// runbooks); every problem is printed, with how to publish a runbook found in the folder.
        private func save(_ schedule: Schedule, problems: [String], _ service: AutomationService) async throws {
            var problems = problems
            for problem in try await service.problems(of: schedule) {
                problems.append(problem.unpublishedRunbook.flatMap(publishHint) ?? problem.message)
            }
            guard problems.isEmpty else {
                for problem in problems { Terminal.error("schedule '\(name)': \(problem)") }
                throw ExitCode(65)
            }
            do {
                try await service.createSchedule(schedule, replace: replace)
            } catch {
                Terminal.error(error.description + (replace ? "" : " (use --replace to change it)"))
                throw ExitCode(error.exitCode == 74 ? 74 : 1)
            }
        }

        /// How to publish a linked runbook whose file is in the runbooks folder.
        private func publishHint(_ name: String) -> String? {
            let file = runbooks.library.path(for: name)
            guard FileManager.default.fileExists(atPath: file) else { return nil }
            return "link to '\(name)': runbook '\(name)' is not published; publish it first: runbook publish \(file)"
        }
    }
}

extension MisfirePolicy: ExpressibleByArgument {}
extension OverlapPolicy: ExpressibleByArgument {}
