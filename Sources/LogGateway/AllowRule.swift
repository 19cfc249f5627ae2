/// One destination agents may reach: a host (or `*.domain`, any name under it) and a port.
public struct AllowRule: Sendable, Hashable, CustomStringConvertible {
    /// Lowercased; an IPv6 literal without brackets; `*.example.com` for a wildcard.
    public var host: String
    public var port: Int

    public static let defaultPort = 443

    public init(host: String, port: Int = AllowRule.defaultPort) {
        self.host = host.lowercased()
        self.port = port
    }

    public var description: String { HostPort.isIPv6(host) ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `HOST`, `HOST:PORT`, `*.DOMAIN[:PORT]`, `[V6][:PORT]`; the port is 443 unless given.
    public static func parse(_ text: String) throws(ConfigurationProblem) -> AllowRule {
        let problem = ConfigurationProblem(
            description: "'\(GatewayEvent.printable(text))' is not HOST[:PORT] "
                + "(a DNS name, *.DOMAIN, an IPv4 address or [IPv6]; the port is 443 unless given)")
        guard let parts = HostPort.split(text) else { throw problem }
        var port = defaultPort
        if let portText = parts.port {
            guard let given = HostPort.port(portText), given > 0 else { throw problem }
            port = given
        }
        if parts.bracketed {
            guard HostPort.isIPv6(parts.host) else { throw problem }
        } else {
            let name = parts.host.hasPrefix("*.") ? String(parts.host.dropFirst(2)) : parts.host
            guard HostPort.isHostName(name) else { throw problem }
        }
        return AllowRule(host: parts.host, port: port)
    }

    /// Exact and case-insensitive; `*.example.com` matches `a.example.com` and
    /// `a.b.example.com`, not `example.com` itself. `host` must already be lowercased.
    public func matches(host: String, port: Int) -> Bool {
        guard port == self.port else { return false }
        if self.host.hasPrefix("*.") {
            let suffix = self.host.dropFirst(1)
            return host.count > suffix.count && host.hasSuffix(suffix)
        }
        return host == self.host
    }
}
