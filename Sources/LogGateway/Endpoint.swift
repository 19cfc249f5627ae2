/// An address and port to listen on: an IP literal (or `localhost`), never a name to look up.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    /// The IP literal, without brackets.
    public var host: String
    /// 0 asks for any free port (the bound one is reported once listening).
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var isIPv6: Bool { HostPort.isIPv6(host) }

    /// `127.0.0.1:8080`, `[::1]:8080`.
    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `ADDR:PORT`, `[V6]:PORT` or `localhost:PORT`.
    public static func parse(_ text: String) throws(ConfigurationProblem) -> Endpoint {
        let problem = ConfigurationProblem(
            description: "'\(GatewayEvent.printable(text))' is not ADDR:PORT with an IP address "
                + "(127.0.0.1:8080, 0.0.0.0:8080, [::1]:8080)")
        guard let parts = HostPort.split(text), let portText = parts.port, let port = HostPort.port(portText)
        else { throw problem }
        if !parts.bracketed && parts.host == "localhost" { return Endpoint(host: "127.0.0.1", port: port) }
        guard parts.bracketed ? HostPort.isIPv6(parts.host) : HostPort.isIPv4(parts.host) else { throw problem }
        return Endpoint(host: parts.host, port: port)
    }
}

/// Why a configuration value was refused, in words that say what would be right.
public struct ConfigurationProblem: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}
