import Automation

/// The `targets:` of an enablement step.
public struct TargetSpec: Sendable, Hashable {
    public var machines: [String]
    public var os: OSFamily?
    /// nil: the account's region; "any": every region.
    public var location: String?
    /// nil: the account's subscription; "any": every subscription.
    public var subscription: String?
    public var tags: [String: String]

    public init(
        machines: [String] = [], os: OSFamily? = nil, location: String? = nil, subscription: String? = nil,
        tags: [String: String] = [:]
    ) {
        self.machines = machines
        self.os = os
        self.location = location
        self.subscription = subscription
        self.tags = tags
    }

    /// Reads the resolved `targets` input; its types were checked when the runbook loaded.
    public init(_ value: Value?) {
        self.init()
        guard let value else { return }
        machines = value["machines"]?.listValue?.compactMap(\.stringValue) ?? []
        os = value["os"]?.stringValue.flatMap(OSFamily.init(rawValue:))
        location = value["location"]?.nonEmptyString
        subscription = value["subscription"]?.nonEmptyString
        if case .map(let entries)? = value["tags"] {
            for entry in entries { tags[entry.key] = entry.value.stringValue ?? "" }
        }
    }
}

/// Chooses machines the way the portal lists them: in the account's subscription and
/// location unless the step says otherwise.
public enum TargetSelection {
    public struct Result: Sendable {
        public var selected: [MachineState] = []
        /// Named machines that could not be selected, with the reason.
        public var refused: [(name: String, reason: String)] = []
    }

    public static func select(_ spec: TargetSpec, from machines: [MachineState], account: Account) -> Result {
        var result = Result()
        let byName = Dictionary(machines.map { ($0.machine.name, $0) }, uniquingKeysWith: { first, _ in first })
        if spec.machines.isEmpty {
            result.selected = machines.filter { reason(excluding: $0.machine, spec: spec, account: account) == nil }
            return result
        }
        for name in spec.machines {
            guard let state = byName[name] else {
                let hint = Suggestion.hint(for: name, among: machines.map(\.machine.name))
                result.refused.append((name, "no machine named '\(name)' is registered\(hint)"))
                continue
            }
            if let why = reason(excluding: state.machine, spec: spec, account: account) {
                result.refused.append((name, why))
            } else if !result.selected.contains(where: { $0.machine.name == name }) {
                result.selected.append(state)
            }
        }
        return result
    }

    /// Why a machine falls outside the step's filters, or nil when it is in.
    static func reason(excluding machine: Machine, spec: TargetSpec, account: Account) -> String? {
        if let os = spec.os, machine.family != os {
            return "machine '\(machine.name)' runs \(machine.os), not \(os.rawValue)"
        }
        let subscription = spec.subscription ?? account.subscription
        if subscription != "any" && machine.subscription != subscription {
            return "machine '\(machine.name)' is in subscription '\(machine.subscription)', not '\(subscription)'"
                + (spec.subscription == nil ? " (set targets.subscription to 'any' to include it)" : "")
        }
        let location = spec.location ?? account.region.name
        if location != "any" && Region(location) != machine.location {
            return "machine '\(machine.name)' is in \(machine.location), not \(Region(location)?.name ?? location)"
                + (spec.location == nil ? " (set targets.location to 'any' to include it)" : "")
        }
        for (key, value) in spec.tags.sorted(by: { $0.key < $1.key }) where machine.tags[key] != value {
            return "machine '\(machine.name)' does not carry tag \(key)=\(value)"
        }
        return nil
    }
}
