/// What to track, for every machine with tracking enabled under one account.
public struct TrackingSettings: Sendable, Hashable, Codable {
    public var files: [TrackedFile]
    public var registry: [TrackedRegistryKey]
    /// Collection frequency per kind, in seconds (Azure's defaults unless changed).
    public var frequencies: [String: Int]

    public init(
        files: [TrackedFile] = [], registry: [TrackedRegistryKey] = AzureDefaults.registryKeys,
        frequencies: [String: Int] = AzureDefaults.frequencies
    ) {
        self.files = files
        self.registry = registry
        self.frequencies = frequencies
    }

    /// A new account's settings: Azure's default registry keys, all disabled, and no files.
    public static let initial = TrackingSettings()
}

public enum LinkHandling: String, Sendable, Hashable, Codable, CaseIterable {
    /// Symbolic links are left out (the default).
    case ignore
    /// Links are followed, but never out of the machine's root.
    case follow
    /// The link itself is tracked: its target path, not the file behind it.
    case manage
}

public struct TrackedFile: Sendable, Hashable, Codable {
    public enum PathType: String, Sendable, Hashable, Codable, CaseIterable {
        case file, folder
    }

    public var name: String
    public var group: String
    public var enabled: Bool
    public var os: OSFamily
    /// Absolute path; a wildcard is allowed only in the last segment. `%VAR%` on Windows.
    public var path: String
    public var pathType: PathType
    public var recurse: Bool
    public var uploadContent: Bool
    /// Linux only.
    public var useSudo: Bool
    public var links: LinkHandling

    public init(
        name: String, group: String = "Custom", enabled: Bool = true, os: OSFamily, path: String,
        pathType: PathType = .file, recurse: Bool = false, uploadContent: Bool = false, useSudo: Bool = false,
        links: LinkHandling = .ignore
    ) {
        self.name = name
        self.group = group
        self.enabled = enabled
        self.os = os
        self.path = path
        self.pathType = pathType
        self.recurse = recurse
        self.uploadContent = uploadContent
        self.useSudo = useSudo
        self.links = links
    }
}

public struct TrackedRegistryKey: Sendable, Hashable, Codable {
    public var name: String
    public var group: String
    public var enabled: Bool
    /// Full key path, `HKEY_LOCAL_MACHINE\...`.
    public var key: String
    /// One value of the key; nil tracks every value of the key.
    @ExplicitNull public var value: String?
    /// Azure does not recurse into subkeys; `extended` allows it.
    public var recurse: Bool

    public init(
        name: String, group: String = "Custom", enabled: Bool = true, key: String, value: String? = nil,
        recurse: Bool = false
    ) {
        self.name = name
        self.group = group
        self.enabled = enabled
        self.key = key
        self.value = value
        self.recurse = recurse
    }
}

/// Azure's documented defaults and limits (docs/AZURE.md).
public enum AzureDefaults {
    /// Seconds between collections per kind.
    public static let frequencies: [String: Int] = [
        "WindowsRegistry": 50 * 60, "WindowsFiles": 30 * 60, "LinuxFiles": 15 * 60, "WindowsServices": 30 * 60,
        "LinuxDaemons": 5 * 60, "WindowsSoftware": 30 * 60, "LinuxSoftware": 5 * 60,
    ]

    /// Azure's range for the Windows services frequency.
    public static let servicesFrequencyRange = 10...(30 * 60)

    /// Per-machine caps in the `azure` profile.
    public static let maxFiles = 500
    public static let maxFileBytes = 5 * 1024 * 1024
    public static let maxRegistryKeys = 250
    public static let maxWindowsSoftware = 250
    public static let maxLinuxPackages = 1250
    public static let maxServices = 250
    public static let maxDaemons = 250
    /// More files than this in one 30-minute cycle may degrade performance.
    public static let filesPerCycleWarning = 2500

    /// The registry keys Azure ships, disabled until enabled.
    public static let registryKeys: [TrackedRegistryKey] = [
        (
            "Startup scripts", "Group Policy",
            #"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Group Policy\Scripts\Startup"#
        ),
        (
            "Shutdown scripts", "Group Policy",
            #"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Group Policy\Scripts\Shutdown"#
        ),
        ("Run (32-bit)", "Startup", #"HKEY_LOCAL_MACHINE\SOFTWARE\Wow6432Node\Microsoft\Windows\CurrentVersion\Run"#),
        (
            "Active Setup components", "Startup",
            #"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Active Setup\Installed Components"#
        ),
        (
            "Context menu handlers", "Explorer",
            #"HKEY_LOCAL_MACHINE\Software\Classes\Directory\ShellEx\ContextMenuHandlers"#
        ),
        (
            "Context menu handlers (32-bit)", "Explorer",
            #"HKEY_LOCAL_MACHINE\Software\Wow6432Node\Classes\Directory\ShellEx\ContextMenuHandlers"#
        ),
        ("Copy hook handlers", "Explorer", #"HKEY_LOCAL_MACHINE\Software\Classes\Directory\Shellex\CopyHookHandlers"#),
        (
            "Copy hook handlers (32-bit)", "Explorer",
            #"HKEY_LOCAL_MACHINE\Software\Wow6432Node\Classes\Directory\Shellex\CopyHookHandlers"#
        ),
        (
            "Icon overlay identifiers", "Explorer",
            #"HKEY_LOCAL_MACHINE\Software\Microsoft\Windows\CurrentVersion\Explorer\ShellIconOverlayIdentifiers"#
        ),
        (
            "Icon overlay identifiers (32-bit)", "Explorer",
            #"HKEY_LOCAL_MACHINE\Software\Wow6432Node\Microsoft\Windows\CurrentVersion\Explorer\ShellIconOverlayIdentifiers"#
        ),
        (
            "Browser helper objects", "Internet Explorer",
            #"HKEY_LOCAL_MACHINE\Software\Microsoft\Windows\CurrentVersion\Explorer\Browser Helper Objects"#
        ),
        (
            "Browser helper objects (32-bit)", "Internet Explorer",
            #"HKEY_LOCAL_MACHINE\Software\Wow6432Node\Microsoft\Windows\CurrentVersion\Explorer\Browser Helper Objects"#
        ),
        (
            "Internet Explorer extensions", "Internet Explorer",
            #"HKEY_LOCAL_MACHINE\Software\Microsoft\Internet Explorer\Extensions"#
        ),
        (
            "Internet Explorer extensions (32-bit)", "Internet Explorer",
            #"HKEY_LOCAL_MACHINE\Software\Wow6432Node\Microsoft\Internet Explorer\Extensions"#
        ),
        ("Drivers32", "Drivers", #"HKEY_LOCAL_MACHINE\Software\Microsoft\Windows NT\CurrentVersion\Drivers32"#),
        (
            "Drivers32 (32-bit)", "Drivers",
            #"HKEY_LOCAL_MACHINE\Software\Wow6432Node\Microsoft\Windows NT\CurrentVersion\Drivers32"#
        ),
        ("Known DLLs", "System", #"HKEY_LOCAL_MACHINE\System\CurrentControlSet\Control\Session Manager\KnownDlls"#),
        (
            "Winlogon notify", "System",
            #"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon\Notify"#
        ),
    ].map { TrackedRegistryKey(name: $0.0, group: $0.1, enabled: false, key: $0.2) }
}
