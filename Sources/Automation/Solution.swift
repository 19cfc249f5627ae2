/// The two solutions Azure enables separately on a machine.
public enum Solution: String, Sendable, Hashable, CaseIterable, Codable {
    case changeTracking = "ChangeTracking"
    case inventory = "Inventory"

    /// As Azure's portal titles it: "Change Tracking", "Inventory".
    public var displayName: String {
        switch self {
        case .changeTracking: "Change Tracking"
        case .inventory: "Inventory"
        }
    }
}

/// Azure's three enablement scopes.
public enum EnablementScope: String, Sendable, Hashable, CaseIterable, Codable {
    /// Only the machines the step selects.
    case selected
    /// Every machine available now.
    case allAvailable = "all-available"
    /// Every machine available now, and each one registered later.
    case allAvailableAndFuture = "all-available-and-future"

    public var azureName: String {
        switch self {
        case .selected: return "selected machines"
        case .allAvailable: return "all available machines"
        case .allAvailableAndFuture: return "all available and future machines"
        }
    }
}

/// Which Azure limits apply (docs/AZURE.md).
public enum LimitsProfile: String, Sendable, Hashable, CaseIterable, Codable {
    /// Azure's limits: refusals are errors, caps are warnings.
    case azure
    /// Limits lifted, for fleets Azure would not take.
    case extended
}
