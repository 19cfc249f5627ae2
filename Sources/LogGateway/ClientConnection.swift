#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// One client, on a thread of its own: its request head is read and judged, then it is
/// refused with an HTTP status or tunnelled to its destination.
struct ClientConnection: Sendable {
    let fd: Int32
    let client: String
    let context: GatewayContext

    private var configuration: GatewayConfiguration { context.configuration }
    private var counters: GatewayCounters { context.counters }

    /// Serves the connection and closes it; the socket must have been registered.
    func run() {
        defer {
            context.unregister(fd)
            close(fd)
            counters.connectionClosed()
        }
        let deadline = ContinuousClock.now + configuration.headTimeout
        switch HeadReader.read(fd, limit: configuration.headLimit, until: deadline) {
        case .closed: return
        case .timeout:
            refuse(408, .headTimeout, .internalError, "no complete request head within the head timeout")
        case .tooLarge:
            refuse(431, .headTooLarge, .internalError, "request head larger than \(configuration.headLimit) bytes")
        case .head(let head, let rest): serve(head, rest: rest)
        }
    }

    private func serve(_ head: [UInt8], rest: [UInt8]) {
        guard let line = RequestLine.parse(head) else {
            return refuse(400, .badRequest, .internalError, "malformed request line")
        }
        guard line.method == "CONNECT" else {
            return refuse(
                405, .notConnect, .notConnect, "not a CONNECT request", request: "\(line.method) \(line.target)",
                headers: ["Allow: CONNECT"])
        }
        guard let target = ConnectTarget.parse(line.target) else {
            return refuse(
                400, .badRequest, .internalError, "the CONNECT target is not host:port",
                request: "CONNECT \(line.target)")
        }
        let request = "CONNECT \(target)"
        if let reason = configuration.refusal(host: target.host, port: target.port) {
            return refuse(403, .notAllowed, .notAllowed, reason, request: request)
        }
        guard counters.reserveTunnel(limit: configuration.maxTunnels) else {
            return refuse(
                503, .busy, .general, "\(configuration.maxTunnels) tunnels are open, the most allowed",
                request: request)
        }
        let upstream: Int32
        switch Upstream.connect(
            host: target.host, port: target.port, until: ContinuousClock.now + configuration.connectTimeout)
        {
        case .connected(let connected): upstream = connected
        case .failed(let reason):
            counters.releaseTunnel()
            return refuse(502, nil, .networkError, "network error: \(reason)", request: request)
        }
        guard context.register(upstream) else {
            close(upstream)
            counters.releaseTunnel()
            return
        }
        defer {
            context.unregister(upstream)
            close(upstream)
        }
        // Counted before the client hears of it, so that what it reads next agrees with the counters.
        counters.tunnelOpened(client: client)
        guard Socket.sendAll(fd, GatewayResponse.established, until: ContinuousClock.now + .seconds(10)) else {
            counters.tunnelClosed(client: client)
            return
        }
        let counters = self.counters
        let context = self.context
        let result = Tunnel(
            client: fd, upstream: upstream, idleTimeout: configuration.idleTimeout,
            isStopping: { context.isStopping }, moved: { counters.moved(up: $0, down: $1) }
        ).run(pending: rest)
        counters.tunnelClosed(client: client)
        context.log(.tunnel(request: request, client: client, result: result))
    }

    /// Answers `status` and ends the connection. `reason` nil counts an error, not a rejection.
    private func refuse(
        _ status: Int, _ reason: GatewayCounters.Rejection?, _ event: GatewayEvent.ID, _ message: String,
        request: String? = nil, headers: [String] = []
    ) {
        if let reason { counters.reject(reason) } else { counters.error() }
        let request = request.map { GatewayEvent.printable($0) }
        context.log(GatewayEvent(event, message, client: client, request: request, status: status))
        let body = GatewayResponse.make(
            status, body: (request.map { "\($0): " } ?? "") + message + "\n", headers: headers)
        _ = Socket.sendAll(fd, body, until: ContinuousClock.now + .seconds(2))
        Socket.finish(fd)
    }
}
