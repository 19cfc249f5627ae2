import Automation
import Foundation

/// Everything one scan of one machine collected.
struct Collected: Sendable {
    var items: [InventoryItem] = []
    var index: FileIndex = [:]
    var warnings: [String] = []
    /// Problems that stop this machine's scan (nothing is committed for it).
    var errors: [String] = []
    var hashed = 0
    var reused = 0
    /// Files whose stat matched the index: their items equal the stored ones.
    var unchangedFiles: [String] = []
    /// A Windows machine's file items with `%VAR%` expanded, before the files are collected.
    var tracked: [(TrackedFile, String)] = []

    mutating func add(_ files: FileCollection.Result) {
        items += files.items
        index = files.index
        warnings += files.warnings
        hashed = files.hashed
        reused = files.reused
        unchangedFiles = files.unchanged
    }

    /// Applies a per-machine cap of the azure profile, with a warning naming what was left out.
    mutating func cap(_ type: ConfigType, at limit: Int, what: String, profile: LimitsProfile) {
        guard profile == .azure else { return }
        let matching = items.filter { $0.type == type }
        guard matching.count > limit else { return }
        let kept = Set(matching.sorted { $0.key < $1.key }.prefix(limit).map(\.key))
        items.removeAll { $0.type == type && !kept.contains($0.key) }
        warnings.append(
            "\(matching.count) \(what); the azure profile tracks at most \(limit) per machine: "
                + "\(matching.count - limit) not tracked (runbook account set --profile extended lifts the cap)")
    }
}

/// What a scan needs to know besides the machine.
struct ScanContext: Sendable {
    var settings: TrackingSettings
    var profile: LimitsProfile
    var previousIndex: FileIndex
    var racyCutoffNs: Int64?
    /// Runs between the walk and the hashing (tests stop a scan or swap a file there).
    var beforeHashing: (@Sendable () async -> Void)? = nil
    /// Counts the files walked and hashed, for the progress a terminal shows.
    var progress: ScanProgressReporter? = nil
}

/// A Linux machine: `/` for `local`, or a folder standing for its root.
struct LinuxCollector {
    let root: MachineRoot
    let isLocal: Bool

    /// The dpkg status of a large server is tens of megabytes; far more is not a status file.
    static let maxStatusBytes = 256 << 20

    func collect(_ context: ScanContext) async -> Collected {
        let (root, isLocal) = (self.root, self.isLocal)
        // Reading and parsing block: off the cooperative pool, stopped by the scan's cancellation.
        var collected = await OffPool.run { cancelled in Self.packagesAndDaemons(root, isLocal: isLocal, cancelled) }
        let tracked = context.settings.files.filter { $0.enabled && $0.os == .linux }.map { ($0, $0.path) }
        let files = FileCollection(
            root: root, windows: false, profile: context.profile, previousIndex: context.previousIndex,
            racyCutoffNs: context.racyCutoffNs, progress: context.progress)
        collected.add(await files.collect(tracked, beforeHashing: context.beforeHashing))
        collected.cap(.software, at: AzureDefaults.maxLinuxPackages, what: "packages", profile: context.profile)
        collected.cap(.daemons, at: AzureDefaults.maxDaemons, what: "daemons", profile: context.profile)
        return collected
    }

    static func packagesAndDaemons(_ root: MachineRoot, isLocal: Bool, _ cancelled: OnceFlag) -> Collected {
        var collected = Collected()
        let status = "/var/lib/dpkg/status"
        switch root.readFile(MachinePath(segments: SystemdUnits.segments(status)), limit: maxStatusBytes) {
        case .success(let bytes):
            let parsed = DpkgStatus.parse(String(decoding: bytes, as: UTF8.self), file: status, cancelled: cancelled)
            collected.items += DpkgStatus.items(parsed.packages)
            collected.warnings += parsed.warnings
        case .failure(.missing):
            collected.warnings.append("\(status): not found; no package inventory")
        case .failure(let problem):
            collected.warnings.append("\(status): \(problem); no package inventory")
        }
        let states =
            isLocal
            ? SystemdUnits.hostStates() : SystemdUnits.simulatedStates(root: root, warnings: &collected.warnings)
        let daemons = SystemdUnits.collect(root: root, states: states, cancelled: cancelled)
        collected.items += daemons.items
        collected.warnings += daemons.warnings
        return collected
    }
}

/// A folder standing for a Windows machine: `registry/*.reg`, drive folders (`C/...`),
/// `services-state.txt` (NAME=Running|Stopped|Paused) and `environment.txt` (NAME=VALUE).
struct WindowsCollector {
    let root: MachineRoot
    let machine: String

    /// A hive export of a whole server is tens of megabytes; far more is not one.
    static let maxExportBytes = 256 << 20

    static let uninstallKeys = [
        ("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall", "x64"),
        ("HKEY_LOCAL_MACHINE\\SOFTWARE\\Wow6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall", "x86"),
    ]
    static let servicesKey = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services"

    func collect(_ context: ScanContext) async -> Collected {
        let this = self
        // Reading and parsing block: off the cooperative pool, stopped by the scan's cancellation.
        var collected = await OffPool.run { cancelled in this.fromFiles(context, cancelled) }
        guard collected.errors.isEmpty else { return collected }
        let files = FileCollection(
            root: root, windows: true, profile: context.profile, previousIndex: context.previousIndex,
            racyCutoffNs: context.racyCutoffNs, progress: context.progress)
        collected.add(await files.collect(collected.tracked, beforeHashing: context.beforeHashing))
        collected.cap(
            .software, at: AzureDefaults.maxWindowsSoftware, what: "software entries", profile: context.profile)
        collected.cap(.windowsServices, at: AzureDefaults.maxServices, what: "services", profile: context.profile)
        collected.cap(.registry, at: AzureDefaults.maxRegistryKeys, what: "registry values", profile: context.profile)
        return collected
    }

    /// Everything but the files: the registry exports, the state files and the tracked paths.
    private func fromFiles(_ context: ScanContext, _ cancelled: OnceFlag) -> Collected {
        var collected = Collected()
        let hive = loadHive(&collected, cancelled)
        collected.items += software(hive)
        collected.items += services(hive, &collected.warnings)
        collected.items += registry(hive, settings: context.settings, profile: context.profile, &collected)
        let text = root.readOptionalText(
            "environment.txt", shownAs: "environment.txt", limit: KeyValueFile.maxBytes, warnings: &collected.warnings)
        let environment = Dictionary(
            KeyValueFile.parse(text ?? "").map {
                ($0.0.lowercased(), $0.1)
            },
            uniquingKeysWith: { _, last in last })
        for item in context.settings.files where item.enabled && item.os == .windows {
            switch Self.expand(item.path, environment: environment) {
            case .success(let path): collected.tracked.append((item, path))
            case .failure(let unknown):
                collected.errors.append(
                    "machine '\(machine)': environment variable %\(unknown.name)% in '\(item.path)' (item '\(item.name)') "
                        + "is not defined; defined: " + environment.keys.sorted().joined(separator: ", "))
            }
        }
        return collected
    }

    /// Every `registry/*.reg` export, in name order, read through the machine's root.
    private func loadHive(_ collected: inout Collected, _ cancelled: OnceFlag) -> RegistryHive {
        var hive = RegistryHive()
        guard case .success(let folder) = root.resolve(["registry"], followLinks: true),
            case .success(let listed) = root.list(folder)
        else { return hive }
        let names = listed.compactMap { String(validating: $0, as: UTF8.self) }
            .filter { $0.lowercased().hasSuffix(".reg") }.sorted()
        for name in names {
            guard !cancelled.isSet else { break }
            switch root.readFile(folder.appending(name), limit: Self.maxExportBytes) {
            case .success(let bytes): hive.apply(bytes, file: "registry/\(name)", cancelled: cancelled)
            case .failure(let problem): collected.warnings.append("registry/\(name): \(problem); skipped")
            }
        }
        collected.warnings += hive.warnings
        return hive
    }

    private func software(_ hive: RegistryHive) -> [InventoryItem] {
        var items: [String: InventoryItem] = [:]
        for (key, architecture) in Self.uninstallKeys {
            for entry in hive.subkeys(of: key) {
                guard let name = entry.values["displayname"]?.data, !name.isEmpty else { continue }
                items[name] = InventoryItem(
                    type: .software, key: name,
                    fields: [
                        "SoftwareName": name, "CurrentVersion": entry.values["displayversion"]?.data ?? "",
                        "Publisher": entry.values["publisher"]?.data ?? "", "SoftwareType": "Application",
                        "Architecture": architecture,
                    ])
            }
        }
        return items.values.sorted { $0.key < $1.key }
    }

    private func services(_ hive: RegistryHive, _ warnings: inout [String]) -> [InventoryItem] {
        let text = root.readOptionalText(
            "services-state.txt", shownAs: "services-state.txt", limit: KeyValueFile.maxBytes, warnings: &warnings)
        let states = Dictionary(
            KeyValueFile.parse(text ?? "").map {
                ($0.0.lowercased(), $0.1)
            }, uniquingKeysWith: { _, last in last })
        return hive.subkeys(of: Self.servicesKey).compactMap { entry in
            guard let start = entry.values["start"]?.data else { return nil }
            let name = String(entry.path.split(separator: "\\").last ?? "")
            let state = states[name.lowercased()].map(Self.state) ?? "Unknown"
            return InventoryItem(
                type: .windowsServices, key: name,
                fields: [
                    "SvcName": name, "SvcDisplayName": entry.values["displayname"]?.data ?? name,
                    "SvcStartupType": Self.startupType(start), "SvcState": state,
                    "SvcPath": entry.values["imagepath"]?.data ?? "",
                    "SvcAccount": entry.values["objectname"]?.data ?? "LocalSystem",
                    "SvcDescription": entry.values["description"]?.data ?? "",
                ])
        }
    }

    private func registry(
        _ hive: RegistryHive, settings: TrackingSettings, profile: LimitsProfile, _ collected: inout Collected
    ) -> [InventoryItem] {
        var items: [InventoryItem] = []
        for tracked in settings.registry where tracked.enabled {
            var keys = hive.key(tracked.key).map { [$0] } ?? []
            if tracked.recurse && profile == .extended {
                let prefix = tracked.key.uppercased() + "\\"
                keys += hive.keys.filter { $0.key.hasPrefix(prefix) }.map(\.value).sorted { $0.path < $1.path }
            }
            for key in keys {
                for value in key.values.values.sorted(by: { $0.name < $1.name }) {
                    if let only = tracked.value, only.lowercased() != value.name.lowercased() { continue }
                    let hive = String(key.path.prefix(while: { $0 != "\\" }))
                    items.append(
                        InventoryItem(
                            type: .registry, key: key.path + "\\" + value.name,
                            fields: [
                                "RegistryKey": key.path, "Hive": hive, "ValueName": value.name,
                                "ValueType": value.type, "ValueData": value.data,
                            ]))
                }
            }
        }
        return items
    }

    /// Expands `%NAME%` from the machine's environment; the failure names the unknown variable.
    static func expand(_ path: String, environment: [String: String]) -> Result<String, UnknownVariable> {
        var result = ""
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "%") {
            result += rest[..<open]
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "%") else {
                result += rest[open...]
                return .success(result)
            }
            let name = String(rest[after..<close])
            guard let value = environment[name.lowercased()] else { return .failure(UnknownVariable(name: name)) }
            result += value
            rest = rest[rest.index(after: close)...]
        }
        return .success(result + rest)
    }

    struct UnknownVariable: Error {
        var name: String
    }

    static func startupType(_ data: String) -> String {
        // dword data reads "0x00000002 (2)".
        let number = data.split(separator: "(").last.flatMap { Int($0.dropLast()) } ?? -1
        switch number {
        case 0: return "Boot"
        case 1: return "System"
        case 2: return "Automatic"
        case 3: return "Manual"
        case 4: return "Disabled"
        default: return "Unknown"
        }
    }

    static func state(_ text: String) -> String {
        switch text.lowercased() {
        case "running": return "Running"
        case "stopped": return "Stopped"
        case "paused": return "Paused"
        default: return "Unknown"
        }
    }
}
