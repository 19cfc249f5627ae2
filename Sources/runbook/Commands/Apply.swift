import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand {
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply an automation file: account, workspace, gateways, machines and schedules.",
            discussion: Help.reflow(
                """
                The file is validated in full first (schedule links against the runbooks folder too);
                every problem is reported as FILE:LINE:COLUMN and nothing is stored (exit 65). Otherwise
                it is applied in one transaction: existing items of the same name are updated, others
                created. Schedules (their recurrence, policies and runbook links, each link checked
                against the runbook's parameters) are saved the same way; their links remember the
                runbooks folder, so a scheduler started anywhere runs the same runbooks. See
                examples/contoso/automation.yaml and schemas/automation.schema.json.
                """))

        @Argument(help: "The automation file (YAML).") var file: String
        @OptionGroup var store: StoreOptions
        @OptionGroup var runbooks: RunbookFolderOptions

        func run() async throws {
            let parsed: AutomationFile
            do {
                parsed = try AutomationFile.load(path: file)
            } catch {
                Terminal.raw(error.description)
                throw ExitCode(65)
            }
            // Schedule links are checked against the runbooks as 'runbook run' would bind them.
            var problems: [Diagnostic] = []
            for schedule in parsed.schedules {
                for link in schedule.links {
                    do {
                        for problem in ScheduleLinks.problems(
                            link, runbook: try runbooks.library.load(link.runbook).runbook)
                        {
                            problems.append(
                                parsed.linkDiagnostic(
                                    schedule: schedule.name, file: file,
                                    message: "schedule '\(schedule.name)': \(problem)"))
                        }
                    } catch {
                        let text = error.description.replacingOccurrences(of: "error: ", with: "")
                        problems.append(
                            parsed.linkDiagnostic(
                                schedule: schedule.name, file: file,
                                message: "schedule '\(schedule.name)': link to '\(link.runbook)': \(text)"))
                    }
                }
            }
            guard problems.isEmpty else {
                Terminal.raw(DiagnosticError(problems).description)
                throw ExitCode(65)
            }
            // The file may name its own account: no default one is made first.
            try await store.withService(create: true, account: false) { service in
                try await apply(parsed, on: service)
            }
        }

        private func apply(_ parsed: AutomationFile, on service: AutomationService) async throws {
            // The runbooks the schedules start are published (those not published yet), so a
            // scheduler started in any folder runs them.
            for item in await service.publishUnpublished(from: runbooks.library) {
                Terminal.out("published runbook \(item.runbook.name)")
            }
            let summary: ApplySummary
            do {
                summary = try await service.apply(parsed)
            } catch {
                Terminal.error("\(file): \(error.description); nothing was applied")
                throw ExitCode(65)
            }
            for item in summary.created { Terminal.out("created \(item)") }
            for item in summary.updated { Terminal.out("updated \(item)") }
            for machine in parsed.machines {
                for line in try await service.applyFutureScopes(to: machine.name) { Terminal.out(line) }
            }
        }
    }
}
