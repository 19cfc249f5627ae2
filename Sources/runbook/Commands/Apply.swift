import ArgumentParser
import Automation
import AutomationStore
import ChangeTracking
import Foundation

extension RunbookCommand {
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply an automation file: account, workspace, gateways and machines.",
            discussion: """
                The file is validated in full first; every problem is reported as FILE:LINE:COLUMN and
                nothing is stored (exit 65). Otherwise it is applied in one transaction: existing items
                of the same name are updated, others created. See examples/contoso/automation.yaml and
                schemas/automation.schema.json.
                """)

        @Argument(help: "The automation file (YAML).") var file: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let parsed: AutomationFile
            do {
                parsed = try AutomationFile.load(path: file)
            } catch {
                Terminal.raw(error.description)
                throw ExitCode(65)
            }
            let store = try store.open()
            let summary: ApplySummary
            do {
                summary = try store.apply(parsed, at: Date())
            } catch let error as StoreError {
                Terminal.error("\(file): \(error.description); nothing was applied")
                throw ExitCode(65)
            }
            for item in summary.created { Terminal.out("created \(item)") }
            for item in summary.updated { Terminal.out("updated \(item)") }
            let enablement = TrackingEnablement(store: store, now: { Date() })
            for machine in parsed.machines {
                for line in try enablement.applyFutureScopes(to: machine.name) { Terminal.out(line) }
            }
        }
    }
}
