import ArgumentParser
import Automation
import AutomationService
import Foundation

extension RunbookCommand {
    struct MachineCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "machine",
            abstract: "Register, list, show and remove machines.",
            subcommands: [Register.self, List.self, Show.self, Remove.self],
            defaultSubcommand: List.self)
    }
}

/// A machine with its tracking state, for `--json`.
struct MachineDocument: Encodable {
    var machine: Machine
    var tracking: [String: Date]
    var registeredAt: Date
    /// The machine's `runbook agent` (null for a folder or the local host).
    @ExplicitNull var agent: AgentRow?

    init(_ state: MachineState, agent: AgentInfo?) {
        machine = state.machine
        tracking = Dictionary(uniqueKeysWithValues: state.solutions.map { ($0.key.rawValue, $0.value) })
        registeredAt = state.registeredAt
        self.agent = agent.map(AgentRow.init)
    }
}

extension MachineState {
    var trackingSummary: String {
        let names = Solution.allCases.filter { solutions[$0] != nil }.map(\.rawValue)
        return names.isEmpty ? "-" : names.joined(separator: ", ")
    }
}

extension RunbookCommand.MachineCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List machines and their tracking state.")

        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let (machines, agents) = try await store.withService(create: false) { service in
                (try await service.machines(), try await service.agents())
            }
            let agentOf = Dictionary(agents.map { ($0.machine, $0) }, uniquingKeysWith: { first, _ in first })
            try ListOutput<MachineState>(
                headers: ["NAME", "OS", "LOCATION", "ROUTE", "SOURCE", "TRACKING", "AGENT"],
                empty: "No machines registered."
            ) { state in
                let machine = state.machine
                let route = machine.network.gateway.map { "gateway \($0)" } ?? machine.network.route.rawValue
                return [
                    machine.name, machine.os, machine.location.name, route, machine.source.kind, state.trackingSummary,
                    agentOf[machine.name].map(\.summary) ?? "-",
                ]
            }.print(machines, json: json, width: layout.width) { MachineDocument($0, agent: agentOf[$0.machine.name]) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one machine.")

        @Argument(help: "Machine name.") var name: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let found = try await store.withService(create: false) { service in
                (
                    try await service.machine(named: name), try await service.machineNames(),
                    try await service.agents().first { $0.machine == name }
                )
            }
            guard let state = found.0 else {
                Terminal.error("no machine named '\(name)'\(Suggestion.hint(for: name, among: found.1))")
                throw ExitCode(1)
            }
            if json {
                try JSONOutput.print(MachineDocument(state, agent: found.2))
                return
            }
            let machine = state.machine
            var lines = [
                "Machine:          \(machine.name)",
                "OS:               \(machine.os) (\(machine.family.rawValue))",
                "Subscription:     \(machine.subscription)",
                "Resource group:   \(machine.resourceGroup)",
                "Location:         \(machine.location)",
                "Tags:             \(machine.tags.isEmpty ? "-" : machine.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))",
                "Route:            \(machine.network.route.rawValue)\(machine.network.gateway.map { " via gateway \($0)" } ?? "")",
                "Ops Manager:      \(machine.network.operationsManager ?? "-")",
                "Source:           \(machine.source)",
                "Registered:       \(Terminal.time(state.registeredAt))",
                "Agent:            \(found.2.map(\.summary) ?? "-")",
                "Network rules:",
            ]
            lines += machine.network.rules.map { "  \($0)" }
            lines.append("Tracking:")
            for solution in Solution.allCases {
                lines.append(
                    "  \(solution.rawValue): \(state.solutions[solution].map { "enabled \(Terminal.time($0))" } ?? "not enabled")"
                )
            }
            Terminal.out(lines.joined(separator: "\n"))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a machine and its tracking state (its jobs stay in the history).")

        @Argument(help: "Machine name.") var name: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            try await store.withService(create: false) { service in
                guard try await service.removeMachine(named: name) else {
                    let names = try await service.machineNames()
                    Terminal.error("no machine named '\(name)'\(Suggestion.hint(for: name, among: names))")
                    throw ExitCode(1)
                }
            }
            Terminal.out("Removed machine '\(name)'.")
        }
    }
}
