import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an Automation account linked to a Log Analytics workspace.",
            discussion: Help.reflow(
                """
                With no flags, creates the embedded default: account 'automation-default' in EastUS2,
                workspace 'workspace-default' in EastUS, and this host registered as a local machine.

                Azure's rules apply: the account and workspace share a subscription, and the regions
                form an allowed pair (workspace EastUS -> account EastUS2; WestUS2, WestCentralUS,
                CanadaCentral, AustraliaSoutheast, SoutheastAsia, CentralIndia, ChinaEast2, JapanEast,
                UKSouth, WestEurope, USGovVirginia and USGovArizona link to themselves).

                Example:
                  runbook init --account ops --resource-group ops-rg \\
                      --subscription 11111111-2222-3333-4444-555555555555 \\
                      --region WestEurope --workspace ops-logs --workspace-region WestEurope
                """))

        @Option(help: "Automation account name.") var account: String?
        @Option(help: "Subscription id of the account (and of the workspace unless given).") var subscription: String?
        @Option(help: "Resource group of the account (and of the workspace unless given).") var resourceGroup: String?
        @Option(help: "Azure region of the Automation account, e.g. EastUS2.") var region: String?
        @Option(help: "Log Analytics workspace name.") var workspace: String?
        @Option(help: "Subscription of the workspace (default: the account's).") var workspaceSubscription: String?
        @Option(help: "Resource group of the workspace (default: the account's).") var workspaceResourceGroup: String?
        @Option(help: "Azure region of the workspace, e.g. EastUS.") var workspaceRegion: String?
        @Option(help: "Limits profile: azure (Azure's limits, default) or extended (lifted).")
        var profile: LimitsProfile = .azure
        @Flag(help: "Make this account the default (the first account always is).") var makeDefault = false
        @OptionGroup var store: StoreOptions

        var isDefaultSetup: Bool {
            [account, subscription, resourceGroup, region, workspace, workspaceRegion].allSatisfy { $0 == nil }
        }

        func validate() throws {
            if isDefaultSetup { return }
            var missing: [String] = []
            if account == nil { missing.append("--account") }
            if subscription == nil { missing.append("--subscription") }
            if resourceGroup == nil { missing.append("--resource-group") }
            if region == nil { missing.append("--region") }
            if workspace == nil { missing.append("--workspace") }
            if workspaceRegion == nil { missing.append("--workspace-region") }
            if !missing.isEmpty { throw ValidationError("missing " + missing.joined(separator: ", ")) }
            for (name, kind) in [(account, "--account: account"), (workspace, "--workspace: workspace")] {
                if let name, let problem = ResourceName.problem(name, kind: kind) { throw ValidationError(problem) }
            }
            for (option, text) in [
                ("--subscription", subscription), ("--workspace-subscription", workspaceSubscription),
            ] {
                if let text, let problem = SubscriptionId.problem(text) {
                    throw ValidationError("\(option): \(problem)")
                }
            }
            for text in [region, workspaceRegion].compactMap({ $0 }) where Region(text) == nil {
                throw ValidationError("unknown Azure region '\(text)'\(Region.hint(for: text))")
            }
        }

        func run() async throws {
            try await store.withService(create: true, account: false) { service in try await initialize(service) }
        }

        private func initialize(_ service: AutomationService) async throws {
            let location = try store.location()
            if isDefaultSetup {
                let line = try await Terminal.exitOnError { () async throws(ServiceError) in
                    try await service.ensureDefaultAccount(
                        profile: profile, runbooks: RunbookLibrary(folder: RunbookFolderOptions.defaultFolder),
                        in: location)
                }
                guard let line else {
                    let existing = try await service.defaultAccount()?.account
                    Terminal.error(
                        "the store at \(location) already holds the account "
                            + "'\(existing?.name ?? "?")' (profile \(existing?.profile.rawValue ?? "?")); nothing was "
                            + "changed. To change its limits profile: runbook account set --profile "
                            + "\(profile.rawValue). To add another account: runbook init --account NAME "
                            + "--subscription ID --resource-group RG --region REGION --workspace NAME "
                            + "--workspace-region REGION")
                    throw ExitCode(73)
                }
                Terminal.out(line)
                return
            }
            guard let account, let subscription, let resourceGroup, let region = region.flatMap(Region.init),
                let workspace, let workspaceRegion = workspaceRegion.flatMap(Region.init)
            else { throw ValidationError("incomplete account settings") }
            let newAccount = Account(
                name: account, subscription: subscription, resourceGroup: resourceGroup, region: region,
                workspace: workspace, profile: profile)
            let newWorkspace = Workspace(
                name: workspace, subscription: workspaceSubscription ?? subscription,
                resourceGroup: workspaceResourceGroup ?? resourceGroup, region: workspaceRegion)
            do {
                try await service.addAccount(newAccount, workspace: newWorkspace, makeDefault: makeDefault)
            } catch {
                Terminal.error(error.description)
                throw ExitCode(65)
            }
            Terminal.out(
                "Created Automation account '\(account)' (\(region)) linked to workspace '\(workspace)' "
                    + "(\(workspaceRegion)), profile \(profile.rawValue).")
            await publishShippedRunbooks(service)
        }

        /// As the default setup does: the shipped runbooks become published runbooks.
        private func publishShippedRunbooks(_ service: AutomationService) async {
            let library = RunbookLibrary(folder: RunbookFolderOptions.defaultFolder)
            let published = await service.publishUnpublished(from: library)
            if !published.isEmpty {
                Terminal.out("Published \(published.count) runbooks from \(library.folder)/.")
            }
        }
    }
}

extension LimitsProfile: ExpressibleByArgument {}
