/// What the gateway lets through and how long it waits. The defaults are the Log Analytics
/// gateway's: port 443 only, 8 KiB of request head in 10 seconds, 10 seconds to connect.
public struct GatewayConfiguration: Sendable {
    public var listen: Endpoint
    public var allowed: [AllowRule]
    /// The only ports a CONNECT may name (443 in Azure; tests add an ephemeral port).
    public var securePorts: Set<Int>
    /// Tunnels open (or being opened) at once; one more is answered 503.
    public var maxTunnels: Int
    /// A tunnel in which no byte moved for this long is closed.
    public var idleTimeout: Duration
    /// The whole request head must arrive within this, so a client that trickles it is dropped.
    public var headTimeout: Duration = .seconds(10)
    public var connectTimeout: Duration = .seconds(10)
    /// Bytes of request head, up to and including its blank line.
    public var headLimit = 8192
    /// Connections still sending their head, on top of the tunnels: bounds the threads a
    /// flood of idle connections can hold (each is dropped after `headTimeout` anyway).
    public var pendingLimit = 64

    public init(
        listen: Endpoint, allowed: [AllowRule], securePorts: Set<Int> = [AllowRule.defaultPort],
        maxTunnels: Int = 256, idleTimeout: Duration = .seconds(300)
    ) {
        self.listen = listen
        self.allowed = allowed
        self.securePorts = securePorts
        self.maxTunnels = maxTunnels
        self.idleTimeout = idleTimeout
    }

    /// Why a CONNECT to `host:port` is refused, or nil when it is allowed. `host` is lowercased.
    public func refusal(host: String, port: Int) -> String? {
        guard securePorts.contains(port) else {
            let ports = securePorts.sorted().map(String.init).joined(separator: ", ")
            return "port \(port) is not a secure port (\(ports))"
        }
        guard allowed.contains(where: { $0.matches(host: host, port: port) }) else {
            return "the destination is not in the allow list"
        }
        return nil
    }
}
