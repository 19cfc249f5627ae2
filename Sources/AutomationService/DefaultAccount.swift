import Automation
import Foundation

/// The default account a new store gets: an Automation account in EastUS2 linked to a
/// workspace in EastUS (a valid pair), under a resource group of its own, and on the embedded
/// store this host registered as a `local` machine.
public enum DefaultAccount {
    public static let subscription = "00000000-0000-0000-0000-000000000000"
    public static let resourceGroup = "runbook-local"
    public static let accountName = "automation-default"
    public static let workspaceName = "workspace-default"

    public static var account: Account {
        Account(
            name: accountName, subscription: subscription, resourceGroup: resourceGroup,
            region: Region("EastUS2") ?? Region.all[0], workspace: workspaceName)
    }

    public static var workspace: Workspace {
        Workspace(
            name: workspaceName, subscription: subscription, resourceGroup: resourceGroup,
            region: Region("EastUS") ?? Region.all[0])
    }

    /// This host as a machine: its OS from /etc/os-release, in the account's region, on the direct
    /// route with the agent's outbound rules declared (this host is where the agent would run).
    static func localMachine() -> (Machine?, String) {
        let name = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        let text = (try? String(contentsOfFile: "/etc/os-release", encoding: .utf8)) ?? ""
        let osName = OSRelease.catalogName(text) ?? "unknown"
        guard let os = OperatingSystem(osName) else {
            return (nil, "this host runs \(osName), which Change Tracking does not support; it was not registered")
        }
        let machine = Machine(
            name: name, os: os, subscription: subscription, resourceGroup: resourceGroup, location: account.region,
            network: MachineNetwork(route: .direct, rules: AzureEndpoints.directRules), source: .local)
        return (machine, "registered this host as local machine '\(name)' (\(os.name))")
    }
}
