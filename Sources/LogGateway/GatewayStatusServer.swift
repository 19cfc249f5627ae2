import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `GET /status`: the counters as JSON, on a local plain-HTTP port of its own. One request at
/// a time on one thread, each given two seconds: it is for a monitor, not for traffic.
public final class GatewayStatusServer: @unchecked Sendable {
    public let listen: Endpoint
    private let counters: GatewayCounters
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var stopping = false
    private var acceptEnded: DispatchSemaphore?

    public init(listen: Endpoint, counters: GatewayCounters) {
        self.listen = listen
        self.counters = counters
    }

    @discardableResult
    public func start() throws(GatewayError) -> Endpoint {
        lock.lock()
        defer { lock.unlock() }
        guard listener < 0, !stopping else { throw GatewayError(description: "the status server was already started") }
        let (fd, port) = try Listener.open(listen)
        listener = fd
        let ended = DispatchSemaphore(value: 0)
        acceptEnded = ended
        let thread = Thread { [self] in
            loop(fd)
            ended.signal()
        }
        thread.name = "gateway-status"
        thread.start()
        return Endpoint(host: listen.host, port: port)
    }

    public func stop() {
        lock.lock()
        let wasStopping = stopping
        stopping = true
        let fd = listener
        let ended = acceptEnded
        listener = -1
        lock.unlock()
        guard !wasStopping else { return }
        ended?.wait()
        if fd >= 0 { close(fd) }
    }

    private var isStopping: Bool { lock.withLock { stopping } }

    private func loop(_ listener: Int32) {
        while !isStopping {
            switch Socket.wait(listener, for: Int16(POLLIN), until: ContinuousClock.now + .milliseconds(250)) {
            case .timeout: continue
            case .failed:
                usleep(100_000)
                continue
            case .ready: break
            }
            switch Listener.accept(listener) {
            case .none: continue
            case .exhausted: usleep(100_000)
            case .connection(let fd, _):
                answer(fd)
                close(fd)
            }
        }
    }

    private func answer(_ fd: Int32) {
        let deadline = ContinuousClock.now + .seconds(2)
        guard case .head(let head, _) = HeadReader.read(fd, limit: 8192, until: deadline) else { return }
        let response: [UInt8]
        if let line = RequestLine.parse(head) {
            let path = line.target.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
            if line.method != "GET" {
                response = GatewayResponse.make(405, body: "only GET /status\n", headers: ["Allow: GET"])
            } else if path != "/status" {
                response = GatewayResponse.make(404, body: "only GET /status\n")
            } else {
                response = GatewayResponse.make(
                    200, body: Self.json(counters.snapshot), contentType: "application/json")
            }
        } else {
            response = GatewayResponse.make(400, body: "malformed request line\n")
        }
        _ = Socket.sendAll(fd, response, until: deadline)
        Socket.finish(fd)
    }

    static func json(_ snapshot: GatewayCounters.Snapshot) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(snapshot) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
