import Foundation
import YAML

struct AutomationFileDecoder {
    static let topKeys = ["account", "workspace", "gateways", "machines", "schedules"]
    static let accountKeys = ["name", "subscription", "resourceGroup", "region", "profile"]
    static let workspaceKeys = ["name", "subscription", "resourceGroup", "region"]
    static let gatewayKeys = ["name", "rules"]
    static let machineKeys = ["name", "os", "subscription", "resourceGroup", "location", "tags", "network", "source"]
    static let networkKeys = ["route", "gateway", "operationsManager", "rules"]

    var sink: DiagnosticSink
    let baseFolder: String

    init(file: String, baseFolder: String) {
        sink = DiagnosticSink(file: file)
        self.baseFolder = baseFolder
    }

    mutating func decode(_ root: Node) -> AutomationFile? {
        guard root.mapping != nil else {
            sink.error("an automation file is a mapping, but this file holds \(root.kindDescription)", at: root.mark)
            return nil
        }
        sink.checkKeys(of: root, known: Self.topKeys, context: "automation file")
        let workspace = root["workspace"].flatMap { decodeWorkspace($0) }
        let account = root["account"].flatMap { decodeAccount($0, workspace: workspace) }
        if let account, let workspace, let node = root["account"] {
            for problem in WorkspaceLink.problems(account: account, workspace: workspace) {
                sink.error(problem, at: node.mark)
            }
        }
        let gateways = root["gateways"].flatMap { sink.sequence($0, "'gateways'") }?.compactMap { decodeGateway($0) }
        var machines: [Machine] = []
        var seen: [String: Mark] = [:]
        for node in root["machines"].flatMap({ sink.sequence($0, "'machines'") }) ?? [] {
            guard let machine = decodeMachine(node, account: account) else { continue }
            let at = node["name"]?.mark ?? node.mark
            if let first = seen[machine.name] {
                sink.error("duplicate machine name \(Quoted.clip(machine.name)) (first defined at \(first))", at: at)
            }
            seen[machine.name] = at
            machines.append(machine)
        }
        var schedules: [Schedule] = []
        var linkMarks: [String: Mark] = [:]
        for node in root["schedules"].flatMap({ sink.sequence($0, "'schedules'") }) ?? [] {
            var decoder = ScheduleDecoder(sink: sink.handOff())
            let schedule = decoder.decode(node)
            sink = decoder.sink.handOff()
            guard let schedule else { continue }
            if linkMarks[schedule.name] != nil {
                sink.error("duplicate schedule name \(Quoted.clip(schedule.name))", at: node["name"]?.mark ?? node.mark)
            }
            linkMarks[schedule.name] = node["runbooks"]?.mark ?? node.mark
            schedules.append(schedule)
        }
        return AutomationFile(
            account: account, workspace: workspace, gateways: gateways ?? [], machines: machines, schedules: schedules,
            linkMarks: linkMarks)
    }

    private mutating func required(_ node: Node, _ key: String, _ what: String) -> String? {
        guard let value = node[key] else {
            sink.error("\(what) is missing required key \(Quoted.clip(key))", at: node.mark)
            return nil
        }
        return sink.string(value, "\(Quoted.clip(key)) of \(what)")
    }

    /// A required subscription id, a GUID as Azure's are (reported at the value).
    private mutating func subscription(_ node: Node, _ what: String) -> String? {
        guard let text = required(node, "subscription", what) else { return nil }
        if let problem = SubscriptionId.problem(text) {
            sink.error(problem, at: node["subscription"]?.mark ?? node.mark)
            return nil
        }
        return text
    }

    /// A required `name` that follows `ResourceName`'s rule (reported at the value).
    private mutating func resourceName(_ node: Node, _ kind: String) -> String? {
        guard let name = required(node, "name", kind) else { return nil }
        if let problem = ResourceName.problem(name, kind: kind) {
            sink.error(problem, at: node["name"]?.mark ?? node.mark)
            return nil
        }
        return name
    }

    private mutating func region(_ node: Node, _ key: String, _ what: String) -> Region? {
        guard let text = required(node, key, what), let valueNode = node[key] else { return nil }
        guard let region = Region(text) else {
            sink.error("unknown Azure region \(Quoted.clip(text))\(Region.hint(for: text))", at: valueNode.mark)
            return nil
        }
        return region
    }

    private mutating func decodeWorkspace(_ node: Node) -> Workspace? {
        guard sink.mapping(node, "'workspace'") != nil else { return nil }
        sink.checkKeys(of: node, known: Self.workspaceKeys, context: "workspace")
        let name = resourceName(node, "workspace")
        let subscription = subscription(node, "workspace")
        let group = required(node, "resourceGroup", "workspace")
        let region = region(node, "region", "workspace")
        guard let name, let subscription, let group, let region else { return nil }
        return Workspace(name: name, subscription: subscription, resourceGroup: group, region: region)
    }

    private mutating func decodeAccount(_ node: Node, workspace: Workspace?) -> Account? {
        guard sink.mapping(node, "'account'") != nil else { return nil }
        sink.checkKeys(of: node, known: Self.accountKeys, context: "account")
        let name = resourceName(node, "account")
        let subscription = subscription(node, "account")
        let group = required(node, "resourceGroup", "account")
        let region = region(node, "region", "account")
        var profile = LimitsProfile.azure
        if let profileNode = node["profile"], let text = sink.string(profileNode, "'profile'") {
            if let parsed = LimitsProfile(rawValue: text) {
                profile = parsed
            } else {
                let hint = Suggestion.hint(for: text, among: LimitsProfile.allCases.map(\.rawValue))
                sink.error("unknown limits profile \(Quoted.clip(text))\(hint)", at: profileNode.mark)
            }
        }
        if workspace == nil {
            sink.error("an account needs a 'workspace' section to link to", at: node.mark)
        }
        guard let name, let subscription, let group, let region, let workspace else { return nil }
        return Account(
            name: name, subscription: subscription, resourceGroup: group, region: region, workspace: workspace.name,
            profile: profile)
    }

    private mutating func rules(_ node: Node?, _ what: String) -> [NetworkRule] {
        guard let node, let items = sink.sequence(node, "'rules' of \(what)") else { return [] }
        return items.compactMap { item in
            guard let text = sink.string(item, "a network rule") else { return nil }
            switch NetworkRule.parse(text) {
            case .success(let rule): return rule
            case .failure(let problem):
                sink.error(problem.description, at: item.mark)
                return nil
            }
        }
    }

    private mutating func decodeGateway(_ node: Node) -> Gateway? {
        guard sink.mapping(node, "a gateway") != nil else { return nil }
        sink.checkKeys(of: node, known: Self.gatewayKeys, context: "gateway")
        guard let name = resourceName(node, "gateway") else { return nil }
        return Gateway(name: name, rules: rules(node["rules"], "gateway \(Quoted.clip(name))"))
    }

    private mutating func decodeMachine(_ node: Node, account: Account?) -> Machine? {
        guard sink.mapping(node, "a machine") != nil else { return nil }
        sink.checkKeys(of: node, known: Self.machineKeys, context: "machine")
        let name = resourceName(node, "machine")
        let what = "machine \(Quoted.clip(name ?? "?"))"
        var os: OperatingSystem?
        if let text = required(node, "os", what), let osNode = node["os"] {
            os = OperatingSystem(text)
            if os == nil { sink.error(OSCatalog.unsupportedMessage(text), at: osNode.mark) }
        }
        let subscription = node["subscription"] == nil ? account?.subscription : subscription(node, what)
        let group = node["resourceGroup"] == nil ? account?.resourceGroup : required(node, "resourceGroup", what)
        let location = node["location"] == nil ? account?.region : region(node, "location", what)
        if subscription == nil || group == nil || location == nil,
            node["subscription"] == nil || node["location"] == nil
        {
            if account == nil {
                sink.error(
                    "\(what) needs subscription, resourceGroup and location (no account to inherit them from)",
                    at: node.mark)
            }
        }
        var tags: [String: String] = [:]
        if let tagsNode = node["tags"], let pairs = sink.mapping(tagsNode, "'tags' of \(what)") {
            for pair in pairs {
                if let key = pair.key.scalarText, let value = sink.string(pair.value, "tag \(Quoted.clip(key))") {
                    tags[key] = value
                }
            }
        }
        let network = node["network"].flatMap { decodeNetwork($0, what) } ?? MachineNetwork()
        let source = node["source"].flatMap { decodeSource($0, what) }
        if node["source"] == nil { sink.error("\(what) is missing required key 'source'", at: node.mark) }
        if let os, let source, let problem = MachineSourceRules.mismatch(os: os, source: source) {
            sink.error("\(what): \(problem)", at: node["source"]?.mark ?? node.mark)
        }
        guard let name, let os, let subscription, let group, let location, let source else { return nil }
        return Machine(
            name: name, os: os, subscription: subscription, resourceGroup: group, location: location, tags: tags,
            network: network, source: source)
    }

    private mutating func decodeNetwork(_ node: Node, _ what: String) -> MachineNetwork? {
        guard sink.mapping(node, "'network' of \(what)") != nil else { return nil }
        sink.checkKeys(of: node, known: Self.networkKeys, context: "network")
        var network = MachineNetwork()
        if let routeNode = node["route"], let text = sink.string(routeNode, "'route'") {
            if let route = MachineNetwork.Route(rawValue: text) {
                network.route = route
            } else {
                sink.error("unknown route \(Quoted.clip(text)); expected direct or gateway", at: routeNode.mark)
            }
        }
        network.gateway = node["gateway"].flatMap { sink.string($0, "'gateway'") }
        if network.route == .gateway && network.gateway == nil {
            sink.error("\(what) uses the gateway route but names no 'gateway'", at: node.mark)
        }
        network.operationsManager = node["operationsManager"].flatMap { sink.string($0, "'operationsManager'") }
        network.rules = rules(node["rules"], what)
        return network
    }

    private mutating func decodeSource(_ node: Node, _ what: String) -> MachineSource? {
        if node.scalarText == "local" { return .local }
        guard let pairs = node.mapping, pairs.count == 1, let key = pairs[0].key.scalarText else {
            sink.error("'source' of \(what) is 'local', {linuxRoot: FOLDER} or {windowsFolder: FOLDER}", at: node.mark)
            return nil
        }
        guard let path = sink.string(pairs[0].value, "\(Quoted.clip(key))") else { return nil }
        let absolute = path.hasPrefix("/") ? path : (baseFolder as NSString).appendingPathComponent(path)
        let resolved = URL(fileURLWithPath: absolute).standardizedFileURL.path
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: resolved, isDirectory: &isFolder) || !isFolder.boolValue {
            sink.error(
                "machine folder \(Quoted.clip(path)) does not exist (resolved to \(resolved.count <= 4 * Quoted.maxCharacters ? resolved : "a path of \(resolved.count) characters"))",
                at: pairs[0].value.mark)
        }
        switch key {
        case "linuxRoot": return .linuxRoot(resolved)
        case "windowsFolder": return .windowsFolder(resolved)
        default:
            sink.error(
                "unknown source kind \(Quoted.clip(key))\(Suggestion.hint(for: key, among: ["linuxRoot", "windowsFolder"]))",
                at: pairs[0].key.mark)
            return nil
        }
    }
}
