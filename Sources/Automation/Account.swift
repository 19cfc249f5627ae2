/// An Azure Automation account, linked to one Log Analytics workspace.
public struct Account: Sendable, Hashable, Codable {
    public var name: String
    public var subscription: String
    public var resourceGroup: String
    public var region: Region
    /// Name of the linked workspace.
    public var workspace: String
    public var profile: LimitsProfile

    public init(
        name: String, subscription: String, resourceGroup: String, region: Region, workspace: String,
        profile: LimitsProfile = .azure
    ) {
        self.name = name
        self.subscription = subscription
        self.resourceGroup = resourceGroup
        self.region = region
        self.workspace = workspace
        self.profile = profile
    }
}

/// A Log Analytics workspace, where scans write their records.
public struct Workspace: Sendable, Hashable, Codable {
    public var name: String
    public var subscription: String
    public var resourceGroup: String
    public var region: Region

    public init(name: String, subscription: String, resourceGroup: String, region: Region) {
        self.name = name
        self.subscription = subscription
        self.resourceGroup = resourceGroup
        self.region = region
    }
}

/// Azure's rules for linking a workspace to an Automation account.
public enum WorkspaceLink {
    /// Every reason the link is refused; empty when it is allowed.
    public static func problems(account: Account, workspace: Workspace) -> [String] {
        var problems: [String] = []
        if account.subscription != workspace.subscription {
            problems.append(
                "Automation account '\(account.name)' is in subscription \(Quoted.clip(account.subscription)) but workspace "
                    + "'\(workspace.name)' is in \(Quoted.clip(workspace.subscription)); "
                    + "an account links only to a workspace in its own subscription")
        }
        if let problem = regionProblem(accountRegion: account.region, workspaceRegion: workspace.region) {
            problems.append(problem)
        }
        return problems
    }

    public static func regionProblem(accountRegion: Region, workspaceRegion: Region) -> String? {
        let partners = workspaceRegion.accountPartners
        if partners.contains(accountRegion) { return nil }
        var message =
            "a workspace in \(workspaceRegion) cannot be linked to an Automation account in \(accountRegion); "
        if partners.isEmpty {
            message +=
                "no Automation region links to a workspace in \(workspaceRegion) (workspace regions that link: "
                + Region.workspaceToAccount.map(\.workspace).joined(separator: ", ") + ")"
        } else {
            message +=
                "a workspace in \(workspaceRegion) links to an account in "
                + partners.map(\.name).joined(separator: ", ")
        }
        let workspaces = accountRegion.workspacePartners
        if !workspaces.isEmpty {
            message +=
                "; an account in \(accountRegion) links to a workspace in "
                + workspaces.map(\.name).joined(separator: ", ")
        }
        return message
    }
}
