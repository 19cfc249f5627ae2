import ArgumentParser
import Automation
import AutomationService
import ChangeTracking
import Foundation

extension RunbookCommand.MachineCommand {
    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a machine.",
            discussion: Help.reflow(
                """
                Sources: 'local' (this host), 'linux-root:FOLDER' (a folder standing for a Linux machine's /)
                or 'windows-folder:FOLDER' (a folder standing for a Windows machine).

                Network rules are what the machine's firewall allows; enabling tracking checks them:
                  direct route:  443/tcp to *.ods.opinsights.azure.com,
                                 *.oms.opinsights.azure.com, *.blob.core.windows.net
                                 and *.azure-automation.net
                  gateway route: 8080/tcp to GATEWAY (and the gateway's own 443 rules)
                  Operations Manager: Windows 5723/tcp to SERVER;
                                 Linux 22/tcp and 1270/tcp from SERVER
                --standard-rules declares exactly those for the chosen route.

                Example:
                  runbook machine register web01 --os "Windows Server 2022" \\
                      --source windows-folder:examples/contoso/machines/contoso-web01 \\
                      --standard-rules
                """))

        @Argument(help: "Machine name.") var name: String
        @Option(
            help:
                "Operating system, e.g. \"Windows Server 2022\" or \"Ubuntu 22.04\" (schemas/automation.schema.json lists the supported ones).",
            transform: { text in
                guard let os = OperatingSystem(text) else { throw ValidationError(OSCatalog.unsupportedMessage(text)) }
                return os
            })
        var os: OperatingSystem
        @Option(help: "Where it is scanned from: local, linux-root:FOLDER or windows-folder:FOLDER.") var source: String
        @Option(help: "Subscription id (default: the default account's).") var subscription: String?
        @Option(help: "Resource group (default: the default account's).") var resourceGroup: String?
        @Option(help: "Azure region (default: the default account's).") var location: String?
        @Option(name: .customLong("tag"), help: "A tag, KEY=VALUE (repeatable).") var tags: [String] = []
        @Option(help: "Network route.") var route: MachineNetwork.Route = .direct
        @Option(help: "Log Analytics gateway name, for the gateway route.") var gateway: String?
        @Option(help: "Operations Manager management server the machine reports to.") var operationsManager: String?
        @Option(
            name: .customLong("rule"), help: "A firewall rule: '443/tcp to HOST' or '22/tcp from HOST' (repeatable).")
        var rules: [String] = []
        @Flag(help: "Declare the rules Azure requires for the chosen route.") var standardRules = false
        @Flag(help: "Replace a machine of the same name (its tracking state is kept).") var replace = false
        @OptionGroup var store: StoreOptions

        func validate() throws {
            if let problem = ResourceName.problem(name, kind: "machine") { throw ValidationError(problem) }
            if route == .gateway && gateway == nil { throw ValidationError("the gateway route needs --gateway NAME") }
            if let location, Region(location) == nil {
                throw ValidationError("unknown Azure region '\(location)'\(Region.hint(for: location))")
            }
            _ = try KeyValueArguments.parse(tags, what: "tag")
            for rule in rules {
                if case .failure(let error) = NetworkRule.parse(rule) { throw ValidationError(error.description) }
            }
            _ = try parsedSource()
        }

        func parsedSource() throws -> MachineSource {
            if source == "local" { return .local }
            let parts = source.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = MachineSource(kind: parts[0], path: absolute(parts[1])) else {
                throw ValidationError("source '\(source)' is not local, linux-root:FOLDER or windows-folder:FOLDER")
            }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: absolute(parts[1]), isDirectory: &isFolder), isFolder.boolValue
            else { throw ValidationError("machine folder '\(parts[1])' does not exist") }
            return kind
        }

        func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path).standardizedFileURL.path
        }

        func run() async throws {
            try await store.withService(create: true) { service in try await register(in: service) }
        }

        private func register(in service: AutomationService) async throws {
            guard let defaults = try await service.defaultAccount()?.account else {
                Terminal.error("the store has no Automation account to register the machine under; run 'runbook init'")
                throw ExitCode(1)
            }
            let routeValue = route
            let source = try parsedSource()
            if let problem = MachineSourceRules.mismatch(os: os, source: source) { throw ValidationError(problem) }
            var declared = rules.compactMap { try? NetworkRule.parse($0).get() }
            if standardRules {
                declared += Prerequisites.standardRules(
                    route: routeValue, gateway: gateway, operationsManager: operationsManager, family: os.family)
            }
            let machine = Machine(
                name: name, os: os, subscription: subscription ?? defaults.subscription,
                resourceGroup: resourceGroup ?? defaults.resourceGroup,
                location: location.flatMap(Region.init) ?? defaults.region,
                tags: try KeyValueArguments.parse(tags, what: "tag"),
                network: MachineNetwork(
                    route: routeValue, gateway: gateway, operationsManager: operationsManager,
                    rules: Array(Set(declared)).sorted { $0.description < $1.description }),
                source: source)
            do {
                try await service.registerMachine(machine, replace: replace)
            } catch {
                Terminal.error(error.description + (replace ? "" : " (use --replace to update it)"))
                throw ExitCode(1)
            }
            Terminal.out("Registered machine '\(name)' (\(os.name), \(machine.location)).")
            for line in try await service.applyFutureScopes(to: name) {
                Terminal.out(line)
            }
        }
    }
}
