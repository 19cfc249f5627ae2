import Automation
import Foundation

/// Daemons from systemd unit files under a root folder, with startup type from the `*.wants`
/// links and run state where it can be known (never invented).
enum SystemdUnits {
    static let unitFolders = [
        "etc/systemd/system", "run/systemd/system", "lib/systemd/system", "usr/lib/systemd/system",
    ]

    struct Unit {
        var name: String
        var description: String
        var execStart: String
        var user: String
        var hasInstall: Bool
    }

    /// Unit files are small; a larger "unit" is not one (or is hostile) and is not read.
    static let maxUnitBytes = 1 << 20

    static func collect(root: MachineRoot, states: [String: String], cancelled: OnceFlag = OnceFlag())
        -> (items: [InventoryItem], warnings: [String])
    {
        var units: [String: Unit] = [:]
        var masked: Set<String> = []
        var warnings: [String] = []
        // The first folder wins: /etc overrides /lib, as systemd does.
        for folder in unitFolders {
            // `lib` is often a link to `usr/lib`: folders resolve their links inside the root.
            guard case .success(let real) = root.resolve(segments(folder), followLinks: true),
                case .success(let listed) = root.list(real)
            else { continue }
            let names = listed.compactMap { String(validating: $0, as: UTF8.self) }.sorted()
            for name in names where name.hasSuffix(".service") && units[name] == nil && !masked.contains(name) {
                guard !cancelled.isSet else { return (items: [], warnings: warnings) }
                let file = real.appending(name)
                if case .success(let target) = root.readLink(file), target == "/dev/null" {
                    masked.insert(name)
                    continue
                }
                switch root.readFile(file, limit: maxUnitBytes) {
                case .success(let bytes):
                    units[name] = parse(name: name, text: String(decoding: bytes, as: UTF8.self))
                case .failure(let problem):
                    warnings.append("/\(folder)/\(name): unit file skipped: \(problem)")
                }
            }
        }
        let enabled = wantedUnits(root: root)
        var items: [InventoryItem] = []
        for (name, unit) in units.sorted(by: { $0.key < $1.key }) {
            let startup = enabled.contains(name) ? "Enabled" : (unit.hasInstall ? "Disabled" : "Static")
            items.append(item(name: name, unit: unit, startup: startup, state: states[name] ?? "Unknown"))
        }
        for name in masked.sorted() {
            let unit = Unit(name: name, description: "", execStart: "", user: "", hasInstall: false)
            items.append(item(name: name, unit: unit, startup: "Masked", state: states[name] ?? "Unknown"))
        }
        return (items, warnings)
    }

    static func item(name: String, unit: Unit, startup: String, state: String) -> InventoryItem {
        InventoryItem(
            type: .daemons, key: name,
            fields: [
                "SvcName": name, "SvcDisplayName": unit.description, "SvcStartupType": startup, "SvcState": state,
                "SvcPath": unit.execStart, "SvcAccount": unit.user.isEmpty ? "root" : unit.user,
                "SvcController": "systemd", "SvcRunlevels": startup == "Enabled" ? "multi-user" : "",
            ])
    }

    static func parse(name: String, text: String) -> Unit {
        var unit = Unit(name: name, description: "", execStart: "", user: "", hasInstall: false)
        var section = ""
        for line in TextLines.split(text) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") {
                section = trimmed
                if section == "[Install]" { unit.hasInstall = true }
                continue
            }
            guard let equals = trimmed.firstIndex(of: "=") else { continue }
            let key = trimmed[..<equals]
            let value = String(trimmed[trimmed.index(after: equals)...])
            switch (section, key) {
            case ("[Unit]", "Description"): unit.description = value
            case ("[Service]", "ExecStart"): if unit.execStart.isEmpty { unit.execStart = value }
            case ("[Service]", "User"): unit.user = value
            default: break
            }
        }
        return unit
    }

    /// Units linked from any `*.wants` folder under etc/systemd/system are enabled (the names
    /// are read, never the links).
    static func wantedUnits(root: MachineRoot) -> Set<String> {
        guard case .success(let base) = root.resolve(segments("etc/systemd/system"), followLinks: true),
            case .success(let entries) = root.list(base)
        else { return [] }
        var wanted: Set<String> = []
        for entry in entries.compactMap({ String(validating: $0, as: UTF8.self) })
        where entry.hasSuffix(".wants") || entry.hasSuffix(".requires") {
            guard case .success(let real) = root.resolve(base.segments + [entry], followLinks: true),
                case .success(let names) = root.list(real)
            else { continue }
            wanted.formUnion(names.compactMap { String(validating: $0, as: UTF8.self) })
        }
        return wanted
    }

    /// Run state of a root folder's units: `var/lib/systemd/unit-states.txt` (NAME=active|inactive|failed),
    /// the simulated machine's record of what runs. Absent: every state is Unknown.
    static func simulatedStates(root: MachineRoot, warnings: inout [String]) -> [String: String] {
        guard
            let text = root.readOptionalText(
                "var/lib/systemd/unit-states.txt", shownAs: "/var/lib/systemd/unit-states.txt",
                limit: KeyValueFile.maxBytes, warnings: &warnings)
        else { return [:] }
        var states: [String: String] = [:]
        for (name, value) in KeyValueFile.parse(text) {
            switch value.lowercased() {
            case "active", "running": states[name] = "Running"
            case "inactive", "stopped", "dead": states[name] = "Stopped"
            case "failed": states[name] = "Failed"
            default: states[name] = "Unknown"
            }
        }
        return states
    }

    /// This host's unit states from systemd, when systemd runs here; empty otherwise.
    static func hostStates() -> [String: String] {
        guard FileManager.default.fileExists(atPath: "/run/systemd/system") else { return [:] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/systemctl")
        process.arguments = ["list-units", "--type=service", "--all", "--no-legend", "--plain", "--no-pager"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return [:] }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var states: [String: String] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            guard columns.count >= 4 else { continue }
            states[String(columns[0])] =
                columns[3] == "running" ? "Running" : (columns[2] == "failed" ? "Failed" : "Stopped")
        }
        return states
    }

    static func segments(_ relative: String) -> [String] {
        relative.split(separator: "/").map(String.init)
    }
}

/// `NAME=VALUE` lines with `#` comments: the small state files simulated machines carry.
enum KeyValueFile {
    /// State files list a few hundred names; a larger one is refused with a warning.
    static let maxBytes = 1 << 20

    static func parse(_ text: String) -> [(String, String)] {
        TextLines.split(text).compactMap { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.hasPrefix("#"), let equals = trimmed.firstIndex(of: "=") else { return nil }
            return (
                String(trimmed[..<equals]).trimmingCharacters(in: .whitespaces),
                String(trimmed[trimmed.index(after: equals)...]).trimmingCharacters(in: .whitespaces)
            )
        }
    }
}
