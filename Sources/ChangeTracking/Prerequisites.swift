import Automation
import Foundation

/// Azure's enablement prerequisites for one machine (docs/AZURE.md).
public enum Prerequisites {
    /// Every missing prerequisite, each named; empty when the machine can be enabled.
    public static func problems(
        machine: Machine, account: Account, workspace: Workspace, gateways: [String: Gateway]
    ) -> [String] {
        var problems: [String] = []
        if OperatingSystem(machine.os) == nil {
            problems.append(OSCatalog.unsupportedMessage(machine.os))
        }
        problems += WorkspaceLink.problems(account: account, workspace: workspace)
        problems += network(machine: machine, gateways: gateways)
        return problems
    }

    static func network(machine: Machine, gateways: [String: Gateway]) -> [String] {
        // An agent's route is not declared but observed: its heartbeats (`agentProblems`).
        if case .agent = machine.source { return [] }
        let declared = Set(machine.network.rules)
        var problems: [String] = []
        func require(_ rule: NetworkRule, on holder: String, declared: Set<NetworkRule>, why: String) {
            if !declared.contains(rule) {
                problems.append("missing network rule '\(rule)' on \(holder) (\(why))")
            }
        }
        switch machine.network.route {
        case .direct:
            for rule in AzureEndpoints.directRules {
                require(rule, on: "the machine", declared: declared, why: "direct route to Azure Monitor")
            }
        case .gateway:
            let name = machine.network.gateway ?? ""
            require(
                NetworkRule(.outbound, port: 8080, peer: name), on: "the machine", declared: declared,
                why: "agent to Log Analytics gateway")
            if let gateway = gateways[name] {
                for rule in AzureEndpoints.directRules {
                    require(
                        rule, on: "gateway '\(name)'", declared: Set(gateway.rules), why: "gateway to the workspace")
                }
            } else {
                problems.append("Log Analytics gateway '\(name)' is not registered")
            }
        }
        if let server = machine.network.operationsManager {
            switch machine.family {
            case .windows:
                require(
                    NetworkRule(.outbound, port: 5723, peer: server), on: "the machine", declared: declared,
                    why: "Windows agent to Operations Manager")
            case .linux:
                for port in [22, 1270] {
                    require(
                        NetworkRule(.inbound, port: port, peer: server), on: "the machine", declared: declared,
                        why: "Operations Manager to Linux agent")
                }
            }
            if machine.network.route == .gateway, let name = machine.network.gateway, let gateway = gateways[name] {
                require(
                    NetworkRule(.inbound, port: 8080, peer: server), on: "gateway '\(name)'",
                    declared: Set(gateway.rules), why: "Operations Manager to gateway")
            }
        }
        return problems
    }

    /// The rules a machine must declare for its route and Operations Manager setting.
    public static func standardRules(
        route: MachineNetwork.Route, gateway: String?, operationsManager: String?,
        family: OSFamily
    ) -> [NetworkRule] {
        var rules: [NetworkRule] =
            route == .direct ? AzureEndpoints.directRules : [NetworkRule(.outbound, port: 8080, peer: gateway ?? "")]
        if let server = operationsManager {
            switch family {
            case .windows: rules.append(NetworkRule(.outbound, port: 5723, peer: server))
            case .linux: rules += [22, 1270].map { NetworkRule(.inbound, port: $0, peer: server) }
            }
        }
        return rules
    }

    /// How recently an agent machine must have reached the service to be enabled: its
    /// heartbeat is every minute.
    public static let agentWindow: TimeInterval = 300

    /// The network prerequisite of an agent machine: its agent reached the service within the
    /// window, by the route it recorded.
    public static func agentProblems(_ agent: AgentInfo?, machine: String, now: Date) -> [String] {
        guard let agent else { return ["no agent is enrolled for '\(machine)'"] }
        if agent.revokedAt != nil { return ["the agent of '\(machine)' was revoked; it must enrol again"] }
        guard let seen = agent.lastSeenAt, now.timeIntervalSince(seen) <= agentWindow else {
            let when = agent.lastSeenAt.map { "since \($0.formatted(.iso8601))" } ?? "ever"
            return [
                "its agent has not reached the service \(when) (route \(agent.route.rawValue)); "
                    + "a heartbeat every minute is expected: check the agent and its way to the service"
            ]
        }
        return []
    }
}
