import Automation
import AutomationStore
import ChangeTracking
import Foundation

/// Machines: register, list, show, remove; enablement for future scopes after registration.
extension AutomationService {
    public func machines() throws(ServiceError) -> [MachineState] {
        try storeCall { try store.machines() }
    }

    public func machine(named name: String) throws(ServiceError) -> MachineState? {
        try storeCall { try store.machine(named: name) }
    }

    public func machineNames() throws(ServiceError) -> [String] {
        try storeCall { try store.machineNames() }
    }

    /// Registers a machine; with `replace`, one of the same name is updated (its tracking kept).
    public func registerMachine(_ machine: Machine, replace: Bool) throws(ServiceError) {
        try storeCall { try store.registerMachine(machine, replace: replace, at: now()) }
    }

    /// False when no machine has that name.
    public func removeMachine(named name: String) throws(ServiceError) -> Bool {
        try storeCall { try store.removeMachine(named: name) }
    }

    /// Enables the solutions whose future scope covers the machine; one line per change.
    public func applyFutureScopes(to machine: String) throws(ServiceError) -> [String] {
        let enablement = TrackingEnablement(store: try store, now: now)
        return try storeCall { try enablement.applyFutureScopes(to: machine) }
    }
}
