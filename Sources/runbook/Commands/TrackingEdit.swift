import ArgumentParser
import Automation
import AutomationService
import ChangeTracking
import Foundation

// `runbook tracking add|set|remove`: the portal's Add/Edit/Delete on the tracked-item tabs,
// through the same rules and limits as the configure-tracking action (TrackingConfiguration).

extension OSFamily: ExpressibleByArgument {}
extension TrackedFile.PathType: ExpressibleByArgument {}
extension LinkHandling: ExpressibleByArgument {}

extension RunbookCommand.Tracking {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Track a file or folder, or a registry key.",
            subcommands: [AddFile.self, AddRegistry.self])
    }

    struct AddFile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "file",
            abstract: "Track a file, a folder or a wildcard (the Linux Files and Windows Files tabs).",
            discussion: Help.reflow(
                """
                The path is absolute; a wildcard (*, ?) is allowed only in its last segment; \
                Windows paths may use %winDir%-style variables. The azure profile refuses what \
                Azure refuses (recursion into network shares, .exe files); see 'runbook tracking \
                show' for the items already tracked.

                Examples:
                  runbook tracking add file app-config --path '/etc/app/*.conf'
                  runbook tracking add file web-root --os windows \\
                      --path 'C:\\inetpub\\wwwroot' --path-type folder --recurse
                """))

        @Argument(help: "Item name, unique among file items.") var name: String
        @Option(help: "Absolute path of the file, folder or wildcard.") var path: String
        @Option(help: "linux (default) or windows.") var os: OSFamily = .linux
        @Option(help: "file (default) or folder.") var pathType: TrackedFile.PathType = .file
        @Flag(help: "Descend into subfolders of a folder.") var recurse = false
        @Option(help: "Symbolic links: ignore (default), follow (inside the machine) or manage (record the link).")
        var links: LinkHandling = .ignore
        @Flag(help: "Keep the content (up to 64 KiB, base64) with the inventory.") var uploadContent = false
        @Flag(help: "Linux: read with elevated rights (kept for Azure fidelity).") var useSudo = false
        @Option(help: "Group shown with the item.") var group = "Custom"
        @Flag(help: "Add the item disabled.") var disabled = false
        @OptionGroup var target: TrackingTarget

        func run() async throws {
            let file = TrackedFile(
                name: name, group: group, enabled: !disabled, os: os, path: path, pathType: pathType,
                recurse: recurse, uploadContent: uploadContent, useSudo: useSudo, links: links)
            try await target.apply(ConfigurationRequest(account: target.account, files: [file]))
        }
    }

    struct AddRegistry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "registry",
            abstract: "Track a Windows registry key, or one of its values.",
            discussion: Help.reflow(
                """
                Example:
                  runbook tracking add registry run-keys \\
                      --key 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run'
                """))

        @Argument(help: "Item name, unique among registry items.") var name: String
        @Option(help: "The key, from HKEY_LOCAL_MACHINE\\...") var key: String
        @Option(help: "One value of the key (default: all of its values).") var value: String?
        @Option(help: "Group shown with the item.") var group = "Custom"
        @Flag(help: "Add the item disabled.") var disabled = false
        @OptionGroup var target: TrackingTarget

        func run() async throws {
            let item = TrackedRegistryKey(name: name, group: group, enabled: !disabled, key: key, value: value)
            try await target.apply(ConfigurationRequest(account: target.account, registry: [item]))
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a tracked item, or the services collection frequency.",
            discussion: Help.reflow(
                """
                Only the options given change; the rest of the item stays as it is.

                Examples:
                  runbook tracking set linux-conf --enabled false
                  runbook tracking set hosts --path /etc/hosts --upload-content true
                  runbook tracking set hosts --rename etc-hosts
                  runbook tracking set --services-frequency 10m
                """))

        @Argument(help: "Name of the file or registry item to change.") var name: String?
        @Option(help: "true or false.") var enabled: Bool?
        @Option(help: "File items: the new path.") var path: String?
        @Option(help: "File items: file or folder.") var pathType: TrackedFile.PathType?
        @Option(help: "File items: true or false.") var recurse: Bool?
        @Option(help: "File items: ignore, follow or manage.") var links: LinkHandling?
        @Option(help: "File items: true or false.") var uploadContent: Bool?
        @Option(help: "Registry items: the new key.") var key: String?
        @Option(help: "The group shown with the item.") var group: String?
        @Option(help: "A new name for the item.") var rename: String?
        @Option(help: "Windows services collection frequency, 10s to 30m (Azure's range).")
        var servicesFrequency: String?
        @OptionGroup var target: TrackingTarget

        func validate() throws {
            let itemOptions = [enabled, path, pathType, recurse, links, uploadContent, key, group, rename] as [Any?]
            if name == nil && itemOptions.contains(where: { $0 != nil }) {
                throw ValidationError("the item options change one item: name it, such as 'runbook tracking set hosts'")
            }
            if name == nil && servicesFrequency == nil {
                throw ValidationError("name an item to change, or give --services-frequency")
            }
            if let servicesFrequency, DurationText.parse(servicesFrequency) == nil {
                throw ValidationError(
                    "--services-frequency '\(servicesFrequency)' is not a duration such as 30s or 10m")
            }
        }

        func run() async throws {
            // The fields given change on the settings current when the change is saved, so an
            // edit saved meanwhile by someone else is kept.
            let edits = name.map {
                TrackedItemEdit(
                    name: $0, rename: rename, enabled: enabled, group: group, path: path, pathType: pathType,
                    recurse: recurse, links: links, uploadContent: uploadContent, key: key)
            }
            try await target.apply(
                ConfigurationRequest(
                    account: target.account, servicesFrequency: servicesFrequency.flatMap(DurationText.parse),
                    edits: edits.map { [$0] } ?? []))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop tracking items (file or registry).")

        @Argument(help: "Names of the items to remove.") var names: [String]
        @OptionGroup var target: TrackingTarget

        func run() async throws {
            try await target.apply(ConfigurationRequest(account: target.account, remove: names))
        }
    }
}

/// The account whose settings change, and how a change is applied and reported.
struct TrackingTarget: ParsableArguments {
    @Option(help: "Automation account (default: the default account).") var account: String?
    @OptionGroup var store: StoreOptions

    /// The account (named, or the default one) and its tracking settings; exit 1 without one.
    static func settings(account: String?, in service: AutomationService) async throws
        -> (AccountState, TrackingSettingsVersion)
    {
        guard let state = try await service.account(namedOrDefault: account) else {
            if let account {
                let names = try await service.accounts().map(\.account.name)
                Terminal.error(
                    "no Automation account named '\(account)'" + Suggestion.hint(for: account, among: names))
                throw ExitCode(1)
            }
            Terminal.error(
                "the store holds no Automation account yet: 'runbook init' creates the default one "
                    + "(so does any command that writes, such as 'runbook run enable-tracking')")
            throw ExitCode(66)
        }
        return (state, try await service.trackingSettings(account: state.account.name))
    }

    /// Applies through TrackingConfiguration: every refusal is printed and nothing is stored (exit 65).
    func apply(_ request: ConfigurationRequest) async throws {
        let applied = try await store.withService(create: true) { service in
            try await service.configureTracking(request, sink: PrintingSink())
        }
        guard applied else { throw ExitCode(65) }
    }
}

/// Stream lines of a change made outside a job, printed as they come.
struct PrintingSink: StreamSink {
    func write(_ kind: StreamKind, _ message: String) async {
        switch kind {
        case .error: Terminal.error(message)
        case .warning: Terminal.warning(message)
        default: Terminal.out(message)
        }
    }
}
