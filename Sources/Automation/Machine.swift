/// A registered machine that runbooks act on.
public struct Machine: Sendable, Hashable, Codable {
    public var name: String
    /// The catalog name of its OS; it is validated when the machine is registered.
    public var os: String
    public var family: OSFamily
    public var subscription: String
    public var resourceGroup: String
    public var location: Region
    public var tags: [String: String]
    public var network: MachineNetwork
    public var source: MachineSource

    public init(
        name: String, os: OperatingSystem, subscription: String, resourceGroup: String, location: Region,
        tags: [String: String] = [:], network: MachineNetwork = MachineNetwork(), source: MachineSource
    ) {
        self.name = name
        self.os = os.name
        self.family = os.family
        self.subscription = subscription
        self.resourceGroup = resourceGroup
        self.location = location
        self.tags = tags
        self.network = network
        self.source = source
    }
}

/// How a machine's agent reaches Azure Monitor, and the rules it declares.
public struct MachineNetwork: Sendable, Hashable {
    public enum Route: String, Sendable, Hashable, Codable, CaseIterable {
        case direct, gateway
    }

    public var route: Route
    /// Name of the Log Analytics gateway, for the gateway route.
    public var gateway: String?
    /// Name of the Operations Manager management server, when the machine reports to one.
    public var operationsManager: String?
    public var rules: [NetworkRule]

    public init(
        route: Route = .direct, gateway: String? = nil, operationsManager: String? = nil, rules: [NetworkRule] = []
    ) {
        self.route = route
        self.gateway = gateway
        self.operationsManager = operationsManager
        self.rules = rules
    }
}

/// A Log Analytics gateway that relays agents' traffic to the workspace.
public struct Gateway: Sendable, Hashable, Codable {
    public var name: String
    public var rules: [NetworkRule]

    public init(name: String, rules: [NetworkRule]) {
        self.name = name
        self.rules = rules
    }
}

/// Where a machine's state is read from when it is scanned.
public enum MachineSource: Sendable, Hashable, CustomStringConvertible {
    /// This host, scanned for real.
    case local
    /// A folder standing for a Linux machine's `/`.
    case linuxRoot(String)
    /// A folder standing for a Windows machine (`.reg` exports, drive folders, service states).
    case windowsFolder(String)
    /// A machine with `runbook agent` on it: the agent collects and sends; the server never reads it.
    case agent

    public var kind: String {
        switch self {
        case .local: return "local"
        case .linuxRoot: return "linux-root"
        case .windowsFolder: return "windows-folder"
        case .agent: return "agent"
        }
    }

    public var path: String? {
        switch self {
        case .local, .agent: return nil
        case .linuxRoot(let path), .windowsFolder(let path): return path
        }
    }

    public var description: String {
        path.map { "\(kind):\($0)" } ?? kind
    }

    public init?(kind: String, path: String?) {
        switch (kind, path) {
        case ("local", _): self = .local
        case ("linux-root", .some(let path)): self = .linuxRoot(path)
        case ("windows-folder", .some(let path)): self = .windowsFolder(path)
        case ("agent", _): self = .agent
        default: return nil
        }
    }
}

/// Which sources fit which OS family.
public enum MachineSourceRules {
    public static func mismatch(os: OperatingSystem, source: MachineSource) -> String? {
        switch (source, os.family) {
        case (.windowsFolder, .linux):
            return "a windowsFolder source stands for a Windows machine, but the OS is \(os.name)"
        case (.linuxRoot, .windows):
            return "a linuxRoot source stands for a Linux machine, but the OS is \(os.name)"
        case (.local, .windows):
            return "a local source is this Linux host, but the OS is \(os.name)"
        default:
            return nil
        }
    }
}
