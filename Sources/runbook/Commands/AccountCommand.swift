import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand {
    struct AccountCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "account",
            abstract: "Show the Automation accounts and their linked workspaces; change their settings.",
            subcommands: [Show.self, List.self, Set.self, SetDefault.self],
            defaultSubcommand: Show.self)
    }
}

struct AccountDocument: Encodable {
    var account: Account
    var workspace: Workspace
    var isDefault: Bool
    /// The linked workspace's id for Log Analytics' query API (`/v1/workspaces/{id}/query`).
    var workspaceId: String

    init(account: Account, workspace: Workspace, isDefault: Bool) {
        self.account = account
        self.workspace = workspace
        self.isDefault = isDefault
        self.workspaceId = WorkspaceIdentity.customerId(workspace: workspace.name)
    }
}

extension RunbookCommand.AccountCommand.Show {
    /// The self-signed certificate `serve --tls-self-signed` made in the store folder, when
    /// there is one and the URL is https.
    var certificate: String? {
        guard url.hasPrefix("https://"), let folder = (try? store.location())?.folder else { return nil }
        let path = URL(fileURLWithPath: folder).appendingPathComponent("tls.crt").standardizedFileURL.path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}

extension RunbookCommand.AccountCommand {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one account (default: the default account).")

        @Argument(help: "Account name.") var name: String?
        @Flag(help: "Print JSON.") var json = false
        @Flag(
            help: ArgumentHelp(
                "Print a Python snippet that drives 'runbook serve' with Azure's SDKs, with this account's names.",
                discussion: "Set RUNBOOK_TOKEN to a token of 'runbook token create NAME' before running it."))
        var client = false
        @Option(help: "The server's address for --client (what 'runbook serve' printed).")
        var url = "https://127.0.0.1:8443"
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let (state, names) = try await store.withService(create: false) { service in
                (try await service.account(namedOrDefault: name), try await service.accounts().map(\.account.name))
            }
            guard let state else {
                if names.isEmpty {
                    Terminal.error(
                        "the store holds no Automation account yet: 'runbook init' creates the default one "
                            + "(so does any command that writes, such as 'runbook run enable-tracking')")
                    throw ExitCode(66)
                }
                let hint = Suggestion.hint(for: name ?? "", among: names)
                Terminal.error("no Automation account named '\(name ?? "")'\(hint)")
                throw ExitCode(1)
            }
            if json {
                try JSONOutput.print(
                    AccountDocument(account: state.account, workspace: state.workspace, isDefault: state.isDefault))
                return
            }
            if client {
                Terminal.exact(ClientSnippet.python(state.account, url: url, certificate: certificate))
                return
            }
            let account = state.account
            let workspace = state.workspace
            Terminal.out(
                """
                Automation account: \(account.name)\(state.isDefault ? " (default)" : "")
                  Subscription:     \(account.subscription)
                  Resource group:   \(account.resourceGroup)
                  Region:           \(account.region)
                  Limits profile:   \(account.profile.rawValue)
                Log Analytics workspace: \(workspace.name)
                  Workspace id:     \(WorkspaceIdentity.customerId(workspace: workspace.name))
                  Subscription:     \(workspace.subscription)
                  Resource group:   \(workspace.resourceGroup)
                  Region:           \(workspace.region)
                """)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every account in the store.")

        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let states = try await store.withService(create: false) { try await $0.accounts() }
            try ListOutput<AccountState>(
                headers: ["ACCOUNT", "REGION", "WORKSPACE", "WORKSPACE REGION", "PROFILE", "DEFAULT"],
                empty: "No Automation accounts yet ('runbook init' creates the default one)."
            ) { state in
                [
                    state.account.name, state.account.region.name, state.workspace.name, state.workspace.region.name,
                    state.account.profile.rawValue, state.isDefault ? "yes" : "",
                ]
            }.print(states, json: json, width: layout.width) {
                AccountDocument(account: $0.account, workspace: $0.workspace, isDefault: $0.isDefault)
            }
        }
    }

    struct SetDefault: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-default", abstract: "Make an account the default one.")

        @Argument(help: "Account name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            do {
                try await store.withService(create: false) { try await $0.setDefaultAccount(name) }
            } catch let error as ServiceError {
                Terminal.error(error.description)
                throw ExitCode(1)
            }
            Terminal.out("'\(name)' is now the default Automation account.")
        }
    }
}
