import ArgumentParser
import Automation
import AutomationService

extension RunbookCommand.AccountCommand {
    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an account's settings (default: the default account).",
            discussion: Help.reflow(
                """
                The limits profile decides how Azure's per-machine caps apply: azure (the default) \
                keeps Azure's limits (500 files, 250 registry keys, 1,250 Linux packages per machine; \
                the rest is left out with a warning), extended lifts them. The next scan uses the new \
                profile.

                Example:
                  runbook account set --profile extended
                """))

        @Argument(help: "Account name (default: the default account).") var name: String?
        @Option(help: "Limits profile: \(LimitsProfile.allCases.map(\.rawValue).joined(separator: " or ")).")
        var profile: LimitsProfile
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let changed: (account: String, previous: LimitsProfile?)
            do {
                changed = try await store.withService(create: false) { service in
                    try await service.setProfile(profile, account: name)
                }
            } catch let error as ServiceError {
                Terminal.error(error.description)
                throw ExitCode(1)
            }
            if changed.previous == profile {
                Terminal.out("Account '\(changed.account)' already uses the \(profile.rawValue) profile.")
            } else {
                Terminal.out(
                    "Account '\(changed.account)': limits profile \(changed.previous?.rawValue ?? "?") -> "
                        + "\(profile.rawValue).")
            }
        }
    }
}
