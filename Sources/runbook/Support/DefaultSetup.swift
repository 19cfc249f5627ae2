import Automation
import AutomationService
import Foundation

/// The embedded default: Automation account in EastUS2, workspace in EastUS (a valid pair),
/// and this host registered as a `local` machine.
enum DefaultSetup {
    static let subscription = "00000000-0000-0000-0000-000000000000"
    static let resourceGroup = "runbook-local"
    static let accountName = "automation-default"
    static let workspaceName = "workspace-default"

    static var account: Account {
        Account(
            name: accountName, subscription: subscription, resourceGroup: resourceGroup,
            region: Region("EastUS2") ?? Region.all[0], workspace: workspaceName)
    }

    static var workspace: Workspace {
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

    /// Creates the default pair when the store has no account; returns the one line that says so.
    static func ensure(_ service: AutomationService, profile: LimitsProfile = .azure) throws -> String? {
        var account = account
        account.profile = profile
        var machineNote = ""
        let library = RunbookLibrary(folder: RunbookFolderOptions.defaultFolder)
        let published = try service.ensureDefaultSetup(
            account: account, workspace: workspace,
            localMachine: {
                let (machine, note) = localMachine()
                machineNote = note
                return machine
            }, runbooks: library)
        guard let published else { return nil }
        let profileNote = profile == .azure ? "" : ", profile \(profile.rawValue)"
        let source = library.names().isEmpty ? "the binary's shipped runbooks" : "\(library.folder)/"
        let publishedNote = published.isEmpty ? "" : "; published \(published.count) runbooks from \(source)"
        return "Created the default Automation account '\(accountName)' (EastUS2\(profileNote)) linked to "
            + "workspace '\(workspaceName)' (EastUS); \(machineNote)\(publishedNote)."
    }
}
