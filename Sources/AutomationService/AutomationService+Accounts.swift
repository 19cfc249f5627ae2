import Automation
import AutomationStore
import Foundation

/// Automation accounts as ARM addresses them: subscription, resource group and name.
extension AutomationService {
    public func accounts() async throws(ServiceError) -> [AccountState] {
        if let cached = cache.accounts(now: now()) { return cached }
        do {
            let accounts = try await accountStore.accounts()
            cache.store(accounts: accounts, now: now())
            return accounts
        } catch {
            throw Self.storeError(error)
        }
    }

    /// The account at this ARM address, or Azure's not-found message.
    public func account(subscription: String, resourceGroup: String, name: String) async throws(ServiceError)
        -> AccountState
    {
        let all = try await accounts()
        guard
            let found = all.first(where: {
                $0.account.name == name && Self.sameIgnoringCase($0.account.subscription, subscription)
                    && Self.sameIgnoringCase($0.account.resourceGroup, resourceGroup)
            })
        else {
            throw .notFound(
                kind: "Automation account", name: name,
                hint: " under resource group '\(resourceGroup)' in subscription '\(subscription)'"
                    + Suggestion.hint(for: name, among: all.map(\.account.name)))
        }
        return found
    }

    /// ARM's case-insensitive names; the common exact match skips Foundation's comparison.
    static func sameIgnoringCase(_ a: String, _ b: String) -> Bool {
        a == b || a.caseInsensitiveCompare(b) == .orderedSame
    }

    /// Creates an account (with a linked workspace in a region Azure allows) or updates its tags.
    public func createAccount(
        subscription: String, resourceGroup: String, name: String, location: String
    ) async throws(ServiceError) -> (AccountState, created: Bool) {
        if let existing = try? await account(subscription: subscription, resourceGroup: resourceGroup, name: name) {
            return (existing, false)
        }
        if let problem = ResourceName.problem(name, kind: "account") { throw .invalid(problem, target: "name") }
        guard let region = Region(location) else {
            throw .invalid(
                "unknown Azure region \(Quoted.clip(location))\(Region.hint(for: location))", target: "location")
        }
        guard let workspaceRegion = region.workspacePartners.first else {
            let allowed = Region.workspaceToAccount.map(\.account)
            throw .invalid(
                "an Automation account in \(region) cannot be linked to a Log Analytics workspace; accounts link "
                    + "in: \(Array(Set(allowed)).sorted().joined(separator: ", "))", target: "location")
        }
        let account = Account(
            name: name, subscription: subscription, resourceGroup: resourceGroup, region: region,
            workspace: name + "-logs")
        let workspace = Workspace(
            name: name + "-logs", subscription: subscription, resourceGroup: resourceGroup, region: workspaceRegion)
        do {
            try await accountStore.createAccount(account, workspace: workspace, makeDefault: false, at: now())
        } catch {
            throw Self.storeError(error)
        }
        cache.clear()
        return (try await self.account(subscription: subscription, resourceGroup: resourceGroup, name: name), true)
    }
}

/// Accounts as the command line names them: by name, or the default one.
extension AutomationService {
    /// The named account, or the default one when `name` is nil; nil when there is none.
    public func account(namedOrDefault name: String?) async throws(ServiceError) -> AccountState? {
        try await storeCall { try await accountStore.account(namedOrDefault: name) }
    }

    public func defaultAccount() async throws(ServiceError) -> AccountState? {
        try await storeCall { try await accountStore.defaultAccount() }
    }

    /// Adds an account linked to its workspace (Azure's region pairs checked by the store).
    public func addAccount(_ account: Account, workspace: Workspace, makeDefault: Bool) async throws(ServiceError) {
        try await storeCall {
            try await accountStore.createAccount(account, workspace: workspace, makeDefault: makeDefault, at: now())
        }
    }

    public func setDefaultAccount(_ name: String) async throws(ServiceError) {
        try await storeCall { try await accountStore.setDefaultAccount(name) }
    }

    /// Sets the limits profile of the named (or default) account; returns its name and the
    /// profile it had.
    public func setProfile(_ profile: LimitsProfile, account name: String?) async throws(ServiceError) -> (
        account: String, previous: LimitsProfile?
    ) {
        try await storeCall { try await accountStore.setProfile(profile, account: name) }
    }
}
