import Automation
import Foundation

/// What an enable-tracking or disable-tracking step asks for.
public struct EnablementRequest: Sendable, Hashable {
    public var solutions: [Solution]
    public var scope: EnablementScope
    public var targets: TargetSpec
    /// Account and workspace to use instead of the default pair (Azure's "custom configuration").
    public var account: String?
    public var workspace: String?

    public init(
        solutions: [Solution] = Solution.allCases, scope: EnablementScope = .selected,
        targets: TargetSpec = TargetSpec(),
        account: String? = nil, workspace: String? = nil
    ) {
        self.solutions = solutions
        self.scope = scope
        self.targets = targets
        self.account = account
        self.workspace = workspace
    }
}

public struct EnablementOutcome: Sendable, Hashable {
    /// Machines enabled or disabled.
    public var succeeded: [String] = []
    /// Machines that could not be (prerequisites, or refused by the targets).
    public var failed: [String] = []
    /// Why the step could not act on any machine (unknown account, contradictory targets).
    public var aborted: String?
    public var isSuccess: Bool { failed.isEmpty && aborted == nil }
}

/// Enables and disables Change Tracking and Inventory, checking Azure's prerequisites.
public struct TrackingEnablement: Sendable {
    let store: any TrackingStoring
    let now: @Sendable () -> Date

    public init(store: any TrackingStoring, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    public func enable(_ request: EnablementRequest, jobId: String?, sink: some StreamSink) async throws
        -> EnablementOutcome
    {
        var outcome = EnablementOutcome()
        guard let (account, workspace) = try await resolvePair(request, sink: sink) else {
            outcome.aborted = "no usable Automation account and workspace"
            return outcome
        }
        guard let selection = try await select(request, account: account, sink: sink, outcome: &outcome) else {
            return outcome
        }
        let refused = outcome.failed.count
        let gateways = Dictionary(try await store.gateways().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let solutions = request.solutions.map(\.rawValue).joined(separator: ", ")
        for state in selection {
            let machine = state.machine
            let problems =
                Prerequisites.problems(machine: machine, account: account, workspace: workspace, gateways: gateways)
                + (try await agentProblems(machine))
            if !problems.isEmpty {
                for problem in problems { await sink.write(.error, "\(machine.name): \(problem)") }
                outcome.failed.append(machine.name)
                continue
            }
            let missing = request.solutions.filter { state.solutions[$0] == nil }
            if missing.isEmpty {
                await sink.write(.output, "\(machine.name): \(solutions) already enabled")
            } else {
                try await store.enable(missing, on: [machine.name], account: account.name, jobId: jobId, at: now())
                await sink.write(
                    .output,
                    "\(machine.name): enabled \(missing.map(\.rawValue).joined(separator: ", ")) "
                        + "(account \(account.name), workspace \(workspace.name))")
            }
            outcome.succeeded.append(machine.name)
        }
        if request.scope == .allAvailableAndFuture {
            let filter = ScopeFilter(
                os: request.targets.os, location: request.targets.location ?? account.region.name,
                subscription: request.targets.subscription ?? account.subscription, tags: request.targets.tags)
            try await store.setScope(request.solutions, account: account.name, filter: filter, at: now())
            await sink.write(.output, "Machines registered later that match these targets will get \(solutions) too.")
        }
        await summarise("Enabled", outcome, total: selection.count + refused, sink: sink)
        return outcome
    }

    public func disable(_ request: EnablementRequest, sink: some StreamSink) async throws -> EnablementOutcome {
        var outcome = EnablementOutcome()
        guard let (account, _) = try await resolvePair(request, sink: sink) else {
            outcome.aborted = "no usable Automation account"
            return outcome
        }
        guard let selection = try await select(request, account: account, sink: sink, outcome: &outcome) else {
            return outcome
        }
        for state in selection {
            let present = request.solutions.filter { state.solutions[$0] != nil }
            if present.isEmpty {
                await sink.write(.output, "\(state.machine.name): not enabled; nothing to disable")
            } else {
                try await store.disable(present, on: [state.machine.name])
                await sink.write(
                    .output, "\(state.machine.name): disabled \(present.map(\.rawValue).joined(separator: ", "))")
            }
            outcome.succeeded.append(state.machine.name)
        }
        if request.scope == .allAvailableAndFuture {
            try await store.clearScope(request.solutions, account: account.name)
            await sink.write(.output, "Machines registered later will no longer be enabled automatically.")
        }
        await summarise("Disabled", outcome, total: selection.count + outcome.failed.count, sink: sink)
        return outcome
    }

    /// Enables a newly registered machine where an "all available and future machines" scope covers it.
    /// Returns one line per solution enabled or refused.
    public func applyFutureScopes(to name: String) async throws -> [String] {
        guard let state = try await store.machine(named: name) else { return [] }
        var lines: [String] = []
        let gateways = Dictionary(try await store.gateways().map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for scope in try await store.scopes() where state.solutions[scope.solution] == nil {
            guard let pair = try await store.account(namedOrDefault: scope.account) else { continue }
            let spec = TargetSpec(
                os: scope.filter.os, location: scope.filter.location, subscription: scope.filter.subscription,
                tags: scope.filter.tags)
            guard TargetSelection.reason(excluding: state.machine, spec: spec, account: pair.account) == nil else {
                continue
            }
            let problems =
                Prerequisites.problems(
                    machine: state.machine, account: pair.account, workspace: pair.workspace, gateways: gateways)
                + (try await agentProblems(state.machine))
            if problems.isEmpty {
                try await store.enable([scope.solution], on: [name], account: pair.account.name, jobId: nil, at: now())
                lines.append("\(name): enabled \(scope.solution.rawValue) (scope: all available and future machines)")
            } else {
                lines.append(
                    "\(name): not enabled for \(scope.solution.rawValue) by the future-machines scope: "
                        + problems.joined(separator: "; "))
            }
        }
        return lines
    }

    private func resolvePair(_ request: EnablementRequest, sink: some StreamSink) async throws
        -> (Account, Workspace)?
    {
        guard let state = try await store.account(namedOrDefault: request.account) else {
            if let name = request.account {
                let hint = Suggestion.hint(for: name, among: try await store.accounts().map(\.account.name))
                await sink.write(.error, "no Automation account named '\(name)'\(hint)")
            } else {
                await sink.write(.error, "no Automation account in the store; create one with 'runbook init'")
            }
            return nil
        }
        var workspace = state.workspace
        if let name = request.workspace, name != workspace.name {
            guard let other = try await store.workspace(named: name) else {
                await sink.write(.error, "no Log Analytics workspace named '\(name)'")
                return nil
            }
            let problems = WorkspaceLink.problems(account: state.account, workspace: other)
            if !problems.isEmpty {
                for problem in problems { await sink.write(.error, problem) }
                return nil
            }
            workspace = other
        }
        return (state.account, workspace)
    }

    private func select(
        _ request: EnablementRequest, account: Account, sink: some StreamSink, outcome: inout EnablementOutcome
    ) async throws -> [MachineState]? {
        if request.scope != .selected && !request.targets.machines.isEmpty {
            await sink.write(
                .error,
                "scope '\(request.scope.rawValue)' (\(request.scope.azureName)) acts on every machine in scope; "
                    + "remove targets.machines or use scope 'selected'")
            outcome.aborted = "scope '\(request.scope.rawValue)' cannot take targets.machines"
            return nil
        }
        let selection = TargetSelection.select(request.targets, from: try await store.machines(), account: account)
        for refusal in selection.refused {
            await sink.write(.error, refusal.reason)
            outcome.failed.append(refusal.name)
        }
        if selection.selected.isEmpty && selection.refused.isEmpty {
            await sink.write(
                .warning,
                "no registered machine matches the targets (account \(account.name): subscription "
                    + "\(request.targets.subscription ?? account.subscription), location "
                    + "\(request.targets.location ?? account.region.name))")
        }
        return selection.selected
    }

    private func summarise(_ verb: String, _ outcome: EnablementOutcome, total: Int, sink: some StreamSink) async {
        var line = "\(verb) \(outcome.succeeded.count) of \(total) machine\(total == 1 ? "" : "s")"
        if !outcome.failed.isEmpty { line += "; failed: " + outcome.failed.joined(separator: ", ") }
        await sink.write(.output, line)
    }

    /// An agent machine's route is met when its agent reached the service lately (on a store
    /// that keeps agents; both stores do).
    func agentProblems(_ machine: Machine) async throws -> [String] {
        guard case .agent = machine.source, let agents = store as? any AgentStoring else { return [] }
        let agent = try await agents.agents().first { $0.machine == machine.name }
        return Prerequisites.agentProblems(agent, machine: machine.name, now: now())
    }
}
