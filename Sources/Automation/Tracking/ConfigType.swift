/// Azure's `ConfigDataType` / `ConfigChangeType` values.
public enum ConfigType: String, Sendable, Hashable, CaseIterable, Codable, Comparable, CaseInsensitiveName {
    case files = "Files"
    case software = "Software"
    case windowsServices = "WindowsServices"
    case registry = "Registry"
    case daemons = "Daemons"

    public static func < (lhs: ConfigType, rhs: ConfigType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The Azure column that names the item, and the one `Current`/`Previous` report.
    public var nameColumn: String {
        switch self {
        case .files: return "FileSystemPath"
        case .software: return "SoftwareName"
        case .windowsServices, .daemons: return "SvcName"
        case .registry: return "RegistryKey"
        }
    }

    public var valueColumn: String {
        switch self {
        case .files: return "FileContentChecksum"
        case .software: return "CurrentVersion"
        case .windowsServices, .daemons: return "SvcState"
        case .registry: return "ValueData"
        }
    }
}

/// `ChangeCategory` of a `ConfigurationChange` row.
public enum ChangeCategory: String, Sendable, Hashable, CaseIterable, Codable, CaseInsensitiveName {
    case added = "Added"
    case removed = "Removed"
    case modified = "Modified"
}

/// One inventory item as a scan saw it: its type, a key unique within the type on a machine,
/// and its fields under Azure's column names.
public struct InventoryItem: Sendable, Hashable, Codable {
    public var type: ConfigType
    public var key: String
    public var fields: [String: String]

    public init(type: ConfigType, key: String, fields: [String: String]) {
        self.type = type
        self.key = key
        self.fields = fields
    }

    /// Snapshots are kept sorted by (type, key) so two of them diff in one pass.
    public static func ordered(_ lhs: InventoryItem, _ rhs: InventoryItem) -> Bool {
        lhs.type != rhs.type ? lhs.type < rhs.type : lhs.key < rhs.key
    }
}

/// One change between two snapshots of a machine.
public struct ItemChange: Sendable, Hashable, Codable {
    public var type: ConfigType
    public var key: String
    public var category: ChangeCategory
    /// Names of the fields that differ (Modified), sorted.
    public var fieldsChanged: [String]
    public var current: [String: String]
    public var previous: [String: String]

    public init(
        type: ConfigType, key: String, category: ChangeCategory, fieldsChanged: [String],
        current: [String: String], previous: [String: String]
    ) {
        self.type = type
        self.key = key
        self.category = category
        self.fieldsChanged = fieldsChanged
        self.current = current
        self.previous = previous
    }

    /// For services and daemons: what kind of change (State, StartupType, Path, ServiceAccount).
    public var svcChangeType: String? {
        guard type == .windowsServices || type == .daemons, category == .modified else { return nil }
        let kinds: [(String, String)] = [
            ("SvcState", "State"), ("SvcStartupType", "StartupType"), ("SvcPath", "Path"),
            ("SvcAccount", "ServiceAccount"),
        ]
        let found = kinds.filter { fieldsChanged.contains($0.0) }.map(\.1)
        return found.isEmpty ? nil : found.joined(separator: ", ")
    }
}
