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
            // Checked before a store is opened: a file with problems creates none.
            let problems = AutomationService.linkProblems(of: parsed, path: file, runbooks: runbooks.library)
            guard problems.isEmpty else {
                Terminal.raw(DiagnosticError(problems).description)
                throw ExitCode(65)
            }
            // The file may name its own account: no default one is made first.
            try await store.withService(create: true, account: false) { service in
                let applied = try await service.apply(parsed, path: file, runbooks: runbooks.library)
                for name in applied.published { Terminal.out("published runbook \(name)") }
                for item in applied.summary.created { Terminal.out("created \(item)") }
                for item in applied.summary.updated { Terminal.out("updated \(item)") }
                for line in applied.scopeLines { Terminal.out(line) }
            }
        }
    }
}
