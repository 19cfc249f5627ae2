import ArgumentParser
import Automation
import AutomationService

extension RunbookCommand {
    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish runbook files: jobs and schedules run the published version.",
            discussion: Help.reflow(
                """
                As in Azure, a runbook is a resource of the account with a published version: \
                schedules start it, and 'runbook run NAME' runs it when there is no runbooks/NAME.yaml \
                to test. Every file is validated first; if any has a problem, nothing is published \
                (exit 65). Content that is already the published version is left as it is.

                Examples:
                  runbook publish                      # every runbook in runbooks/
                  runbook publish runbooks/scan.yaml
                  runbook runbooks list                # what is published, and when
                """))

        @Argument(help: "Runbook files or folders (default: the runbooks folder).") var paths: [String] = []
        @OptionGroup var store: StoreOptions
        @OptionGroup var runbooks: RunbookFolderOptions

        func run() async throws {
            let paths = self.paths.isEmpty ? [runbooks.library.folder] : self.paths
            let published = try await store.withService(create: true) { service in
                try await publish(paths, service)
            }
            if published.isEmpty { Terminal.out("No runbooks found to publish.") }
            for item in published {
                let digest = item.runbook.published.map { String($0.digest.prefix(12)) } ?? "-"
                Terminal.out(
                    item.changed
                        ? "Published '\(item.runbook.name)' (\(digest)) from \(item.runbook.publishedFrom ?? "-")."
                        : "'\(item.runbook.name)' is already published with this content (\(digest)).")
            }
        }

        private func publish(_ paths: [String], _ service: AutomationService) async throws
            -> [AutomationService.Published]
        {
            do {
                return try await service.publish(paths: paths)
            } catch {
                // Compiler style: every located problem, then what it meant.
                if case .invalid(let message, _, let diagnostics) = error, !diagnostics.isEmpty {
                    Terminal.raw(DiagnosticError(diagnostics).description)
                    Terminal.error(message)
                } else {
                    Terminal.error(error.description)
                }
                throw ExitCode(error.exitCode)
            }
        }
    }
}
