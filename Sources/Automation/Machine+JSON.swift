// The JSON shapes of a machine (schemas/json/machine.schema.json): every key is always present
// (null when it has no value), sources and rules are plain objects, not Swift's enum encoding.

extension MachineSource: Codable {
    private enum Keys: String, CodingKey { case kind, path }

    /// The automation file's names: `local`, `linuxRoot`, `windowsFolder`.
    public var jsonKind: String {
        switch self {
        case .local: "local"
        case .linuxRoot: "linuxRoot"
        case .windowsFolder: "windowsFolder"
        case .agent: "agent"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(jsonKind, forKey: .kind)
        try container.encode(path, forKey: .path)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        let path = try container.decodeIfPresent(String.self, forKey: .path)
        switch (kind, path) {
        case ("local", _): self = .local
        case ("linuxRoot", .some(let path)): self = .linuxRoot(path)
        case ("windowsFolder", .some(let path)): self = .windowsFolder(path)
        case ("agent", _): self = .agent
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container, debugDescription: "unknown source kind '\(kind)' or missing path")
        }
    }
}

extension MachineNetwork: Codable {
    private enum Keys: String, CodingKey { case route, gateway, operationsManager, rules }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(route, forKey: .route)
        try container.encode(gateway, forKey: .gateway)
        try container.encode(operationsManager, forKey: .operationsManager)
        try container.encode(rules, forKey: .rules)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(
            route: try container.decode(Route.self, forKey: .route),
            gateway: try container.decodeIfPresent(String.self, forKey: .gateway),
            operationsManager: try container.decodeIfPresent(String.self, forKey: .operationsManager),
            rules: try container.decodeIfPresent([NetworkRule].self, forKey: .rules) ?? [])
    }
}

extension NetworkRule: Codable {
    private enum Keys: String, CodingKey { case direction, `protocol`, port, peer }

    /// Only TCP matters to the agents; the protocol is written so a reader need not know that.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(direction, forKey: .direction)
        try container.encode("tcp", forKey: .protocol)
        try container.encode(port, forKey: .port)
        try container.encode(peer, forKey: .peer)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(
            try container.decode(Direction.self, forKey: .direction),
            port: try container.decode(Int.self, forKey: .port),
            peer: try container.decode(String.self, forKey: .peer))
    }
}
