import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The gateway: a forward proxy that answers only `CONNECT host:port` to allowed hosts on a
/// secure port, and copies bytes both ways without reading them. One thread accepts; each
/// connection has a thread of its own, bounded by --max-tunnels plus `pendingLimit`.
public final class GatewayServer: @unchecked Sendable {
    public let configuration: GatewayConfiguration
    public let counters = GatewayCounters()
    private let context: GatewayContext
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var acceptEnded: DispatchSemaphore?
    private let connections = DispatchGroup()

    public init(configuration: GatewayConfiguration, log: @escaping @Sendable (GatewayEvent) -> Void = { _ in }) {
        self.configuration = configuration
        self.context = GatewayContext(configuration: configuration, counters: counters, log: log)
    }

    /// Listens and starts accepting; the address bound (its port is the one chosen when
    /// --listen said 0).
    @discardableResult
    public func start() throws(GatewayError) -> Endpoint {
        lock.lock()
        defer { lock.unlock() }
        guard listener < 0, acceptEnded == nil, !context.isStopping else {
            throw GatewayError(description: "the gateway was already started")
        }
        let (fd, port) = try Listener.open(configuration.listen)
        listener = fd
        let ended = DispatchSemaphore(value: 0)
        acceptEnded = ended
        let thread = Thread { [self] in
            acceptLoop(fd)
            ended.signal()
        }
        thread.name = "gateway-accept"
        thread.start()
        let bound = Endpoint(host: configuration.listen.host, port: port)
        let allowed = configuration.allowed.map(\.description).joined(separator: ", ")
        context.log(GatewayEvent(.started, "gateway listening on \(bound), CONNECT allowed to \(allowed)"))
        return bound
    }

    /// Stops accepting, ends every connection (tunnels included) and waits a few seconds for
    /// their threads. Safe to call more than once.
    public func stop() {
        guard context.stop() else { return }
        lock.lock()
        let fd = listener
        let ended = acceptEnded
        listener = -1
        lock.unlock()
        ended?.wait()
        if fd >= 0 { close(fd) }
        _ = connections.wait(timeout: .now() + 5)
        let total = counters.snapshot.tunnelsTotal
        context.log(GatewayEvent(.stopped, "gateway stopped; tunnels in all: \(total)"))
    }

    private func acceptLoop(_ listener: Int32) {
        while !context.isStopping {
            // A quarter of a second at most, so that a stop is noticed without a wake-up.
            switch Socket.wait(listener, for: Int16(POLLIN), until: ContinuousClock.now + .milliseconds(250)) {
            case .timeout: continue
            case .failed:
                usleep(100_000)
                continue
            case .ready: break
            }
            switch Listener.accept(listener) {
            case .none: continue
            case .exhausted:
                // The listener stays readable: back off instead of spinning until a descriptor frees.
                counters.error()
                usleep(100_000)
            case .connection(let fd, let client): admit(fd, client: client)
            }
        }
    }

    private func admit(_ fd: Int32, client: String) {
        let (limit, overflow) = configuration.maxTunnels.addingReportingOverflow(configuration.pendingLimit)
        if counters.snapshot.activeClientConnections >= (overflow ? Int.max : limit) {
            // Too many connections to give this one a thread: answered without reading it.
            counters.reject(.busy)
            context.log(
                GatewayEvent(.general, "too many connections open (\(limit))", client: client, status: 503))
            let answer = GatewayResponse.make(503, body: "too many connections\n")
            _ = Socket.send(fd, answer, 0..<answer.count)
            close(fd)
            return
        }
        guard context.register(fd) else {
            close(fd)
            return
        }
        counters.connectionOpened()
        connections.enter()
        let connection = ClientConnection(fd: fd, client: client, context: context)
        let group = connections
        let thread = Thread {
            connection.run()
            group.leave()
        }
        thread.name = "gateway-connection"
        thread.start()
    }
}
