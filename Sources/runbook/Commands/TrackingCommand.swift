import ArgumentParser
import Automation
import AutomationService

extension RunbookCommand {
    struct Tracking: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show and change what is tracked: files, registry keys and collection frequencies.",
            subcommands: [Show.self, Add.self, Set.self, Remove.self], defaultSubcommand: Show.self)
    }
}

extension RunbookCommand.Tracking {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Show an account's tracking settings (change them with tracking add/set/remove or configure-tracking).")

        @Option(help: "Automation account (default: the default account).") var account: String?
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var layout: TableLayout
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let found = try await store.withService(create: false) { service in
                try await TrackingTarget.settings(account: account, in: service)
            }
            let (state, current) = found
            if json {
                try JSONOutput.print(current.settings)
                return
            }
            var lines = [
                "Account \(state.account.name), settings version \(current.version)"
                    + (current.changedAt.map { " (changed \(Terminal.time($0)))" } ?? " (Azure's initial settings)")
                    + ", profile \(state.account.profile.rawValue)",
                "",
            ]
            var files = Table(headers: ["FILE ITEM", "GROUP", "OS", "ENABLED", "PATH", "OPTIONS"])
            for file in current.settings.files {
                let options = [file.pathType.rawValue, file.recurse ? "recurse" : nil, "links \(file.links.rawValue)"]
                    .compactMap { $0 }.joined(separator: ", ")
                files.rows.append([
                    file.name, file.group, file.os.rawValue, file.enabled ? "yes" : "no", file.path, options,
                ])
            }
            lines.append(current.settings.files.isEmpty ? "No file items." : files.render(width: layout.width))
            lines.append("")
            // A key's every part may tell two items apart (Wow6432Node, the last name): it goes
            // on its own line rather than being cut.
            var registry = Table(headers: ["REGISTRY ITEM", "GROUP", "ENABLED", "KEY"], lastColumnBelow: true)
            for key in current.settings.registry {
                registry.rows.append([
                    key.name, key.group, key.enabled ? "yes" : "no", key.key + (key.value.map { " \\ \($0)" } ?? ""),
                ])
            }
            lines.append(registry.render(width: layout.width))
            lines.append("")
            lines.append(
                TextWrap.wrap(
                    "Frequencies: "
                        + current.settings.frequencies.sorted { $0.key < $1.key }.map {
                            "\($0.key) \(DurationText.format(.seconds($0.value)))"
                        }.joined(separator: ", "), width: layout.width))
            Terminal.out(lines.joined(separator: "\n"))
        }
    }
}
