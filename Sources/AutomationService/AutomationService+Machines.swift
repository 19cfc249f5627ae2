import Automation
import ChangeTracking
import Foundation

/// Machines: register, list, show, remove; enablement for future scopes after registration.
/// On either store.
extension AutomationService {
    public func machines() async throws(ServiceError) -> [MachineState] {
        try await storeCall { try await machineStore.machines() }
    }

    public func machine(named name: String) async throws(ServiceError) -> MachineState? {
        try await storeCall { try await machineStore.machine(named: name) }
    }

    public func machineNames() async throws(ServiceError) -> [String] {
        try await storeCall { try await machineStore.machineNames() }
    }

    /// Registers a machine; with `replace`, one of the same name is updated (its tracking kept).
    public func registerMachine(_ machine: Machine, replace: Bool) async throws(ServiceError) {
        try await storeCall { try await machineStore.registerMachine(machine, replace: replace, at: now()) }
    }

    /// False when no machine has that name.
    public func removeMachine(named name: String) async throws(ServiceError) -> Bool {
        try await storeCall { try await machineStore.removeMachine(named: name) }
    }

    /// Enables the solutions whose future scope covers the machine; one line per change.
    public func applyFutureScopes(to machine: String) async throws(ServiceError) -> [String] {
        let enablement = TrackingEnablement(store: stores, now: now)
        return try await storeCall { try await enablement.applyFutureScopes(to: machine) }
    }
}
