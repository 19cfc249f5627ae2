/// A firewall rule a machine or gateway declares, written `443/tcp to *.ods.opinsights.azure.com`
/// (outbound) or `22/tcp from om01` (inbound). Only TCP matters to the agents.
public struct NetworkRule: Sendable, Hashable, CustomStringConvertible {
    public enum Direction: String, Sendable, Hashable, Codable {
        case outbound, inbound
    }

    public var direction: Direction
    public var port: Int
    /// Destination of an outbound rule, source of an inbound one (a host, wildcard name or machine).
    public var peer: String

    public init(_ direction: Direction, port: Int, peer: String) {
        self.direction = direction
        self.port = port
        self.peer = peer
    }

    public var description: String {
        "\(port)/tcp \(direction == .outbound ? "to" : "from") \(peer)"
    }

    /// Parses `PORT[/tcp] to|from PEER`; the error says what the form is.
    public static func parse(_ text: String) -> Result<NetworkRule, RuleSyntaxError> {
        let words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.count == 3 else { return .failure(RuleSyntaxError(text: text)) }
        var portText = words[0].lowercased()
        if portText.hasSuffix("/tcp") { portText.removeLast(4) }
        guard let port = Int(portText), (1...65535).contains(port) else { return .failure(RuleSyntaxError(text: text)) }
        switch words[1].lowercased() {
        case "to": return .success(NetworkRule(.outbound, port: port, peer: words[2]))
        case "from": return .success(NetworkRule(.inbound, port: port, peer: words[2]))
        default: return .failure(RuleSyntaxError(text: text))
        }
    }

    public struct RuleSyntaxError: Error, Sendable, CustomStringConvertible {
        public var text: String
        public var description: String {
            "network rule \(Quoted.clip(text)) is not of the form 'PORT/tcp to HOST' or 'PORT/tcp from HOST'"
        }
    }
}

/// The endpoints Azure Monitor agents must reach (docs/AZURE.md).
public enum AzureEndpoints {
    public static let hosts = [
        "*.ods.opinsights.azure.com", "*.oms.opinsights.azure.com", "*.blob.core.windows.net",
        "*.azure-automation.net",
    ]

    /// Outbound 443 to every agent endpoint: the direct route, or a gateway's own uplink.
    public static let directRules = hosts.map { NetworkRule(.outbound, port: 443, peer: $0) }
}
