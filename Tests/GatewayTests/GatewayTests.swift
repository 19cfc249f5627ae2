import Foundation
import Testing

@testable import LogGateway

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

// Every test runs a real gateway on 127.0.0.1 with an ephemeral port, and a small echo
// server standing in for a host on port 443: the gateway's secure port is the echo server's.

@Suite struct GatewayTests {
    @Test func tunnelsBytesBothWaysAndForwardsWhatCameWithTheHead() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let (gateway, log, port) = try startGateway(allowing: echo.port)
        defer { gateway.stop() }

        let client = try TestClient(port: port)
        defer { client.close() }
        // Bytes after the blank line, in the same packet, are the first bytes of the tunnel.
        try client.send("CONNECT 127.0.0.1:\(echo.port) HTTP/1.1\r\nHost: 127.0.0.1:\(echo.port)\r\n\r\nearly")
        #expect(client.readHead() == "HTTP/1.1 200 Connection Established\r\n\r\n")
        #expect(client.read(count: 5) == Array("early".utf8))
        try client.send("hello world")
        #expect(client.read(count: 11) == Array("hello world".utf8))

        let open = gateway.counters.snapshot
        #expect(open.activeTunnels == 1)
        #expect(open.connectedClients == 1)
        #expect(open.activeClientConnections == 1)

        // Half-close: the echo server sees the end, ends its side, and that end reaches us.
        client.shutdownWrite()
        #expect(client.readToEnd() == [])
        try eventually { gateway.counters.snapshot.activeClientConnections == 0 }
        let done = gateway.counters.snapshot
        #expect(done.tunnelsTotal == 1)
        #expect(done.activeTunnels == 0)
        #expect(done.connectedClients == 0)
        #expect(done.bytesUp == 16)
        #expect(done.bytesDown == 16)
        #expect(done.rejectionCount == 0)
        #expect(done.errorCount == 0)
        let line = try #require(log.events.first { $0.event == 103 })
        #expect(
            line.text.contains("event=103 CONNECT 127.0.0.1:\(echo.port) from 127.0.0.1: 16 bytes up, 16 bytes down, "))
        #expect(line.end == "closed")
    }

    @Test func copiesLargeBinaryPayloadsIntact() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let (gateway, _, port) = try startGateway(allowing: echo.port)
        defer { gateway.stop() }
        let client = try TestClient(port: port)
        defer { client.close() }
        try client.send("CONNECT 127.0.0.1:\(echo.port) HTTP/1.1\r\n\r\n")
        #expect(client.readHead() == "HTTP/1.1 200 Connection Established\r\n\r\n")

        let payload = (0..<(512 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 251) }
        // Read while writing: the echo comes back while the payload still goes out.
        let received = Received()
        let reader = Thread {
            received.set(client.read(count: payload.count))
        }
        reader.start()
        try client.send(payload)
        try eventually(seconds: 20) { received.value != nil }
        #expect(received.value == payload)
        client.shutdownWrite()
        #expect(client.readToEnd() == [])
        try eventually { gateway.counters.snapshot.tunnelsTotal == 1 && gateway.counters.snapshot.activeTunnels == 0 }
        #expect(gateway.counters.snapshot.bytesUp == UInt64(payload.count))
        #expect(gateway.counters.snapshot.bytesDown == UInt64(payload.count))
    }

    @Test func refusesPortsThatAreNotAllowed() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let other = try EchoServer()
        defer { other.stop() }
        // Both are secure ports; only the first is allowed for the host.
        let (gateway, log, port) = try startGateway(allowing: echo.port, securePorts: [echo.port, other.port])
        defer { gateway.stop() }

        let notAllowed = try exchange(port, "CONNECT 127.0.0.1:\(other.port) HTTP/1.1\r\n\r\n")
        #expect(notAllowed.hasPrefix("HTTP/1.1 403 Forbidden\r\n"))
        let notSecure = try exchange(port, "CONNECT 127.0.0.1:443 HTTP/1.1\r\n\r\n")
        #expect(notSecure.hasPrefix("HTTP/1.1 403 Forbidden\r\n"))
        #expect(notSecure.contains("port 443 is not a secure port"))

        try eventually { gateway.counters.snapshot.activeClientConnections == 0 }
        let counters = gateway.counters.snapshot
        #expect(counters.rejectionCount == 2)
        #expect(counters.rejections.notAllowed == 2)
        #expect(counters.tunnelsTotal == 0)
        #expect(log.events.filter { $0.event == 105 && $0.status == 403 }.count == 2)
        #expect(other.accepted == 0)
    }

    @Test func refusesHostsThatAreNotAllowed() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let (gateway, log, port) = try startGateway(allowing: echo.port)
        defer { gateway.stop() }

        let response = try exchange(port, "CONNECT example.com:\(echo.port) HTTP/1.1\r\n\r\n")
        #expect(response.hasPrefix("HTTP/1.1 403 Forbidden\r\n"))
        try eventually { gateway.counters.snapshot.activeClientConnections == 0 }
        #expect(gateway.counters.snapshot.rejections.notAllowed == 1)
        #expect(gateway.counters.snapshot.rejectionCount == 1)
        let line = try #require(log.events.first { $0.event == 105 })
        #expect(line.text.contains("event=105 CONNECT example.com:\(echo.port) from 127.0.0.1: "))
        #expect(echo.accepted == 0)
    }

    @Test func answersOtherMethodsWith405() throws {
        let (gateway, log, port) = try startGateway(allowing: 443)
        defer { gateway.stop() }
        let response = try exchange(port, "GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n")
        #expect(response.hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
        #expect(response.contains("\r\nAllow: CONNECT\r\n"))
        try eventually { gateway.counters.snapshot.activeClientConnections == 0 }
        #expect(gateway.counters.snapshot.rejections.notConnect == 1)
        #expect(gateway.counters.snapshot.rejectionCount == 1)
        #expect(log.events.contains { $0.event == 104 && $0.request == "GET http://example.com/" })
    }

    @Test func refusesMalformedRequests() throws {
        let (gateway, _, port) = try startGateway(allowing: 443)
        defer { gateway.stop() }
        #expect(try exchange(port, "CONNECT\r\n\r\n").hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(try exchange(port, "CONNECT example.com HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 400 "))
        #expect(try exchange(port, "CONNECT a\u{1}b:443 HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 400 "))
        try eventually { gateway.counters.snapshot.activeClientConnections == 0 }
        #expect(gateway.counters.snapshot.rejections.badRequest == 3)
    }

    @Test func answersAHeadOverTheLimitWith431AndCloses() throws {
        let (gateway, _, port) = try startGateway(allowing: 443)
        defer { gateway.stop() }
        let client = try TestClient(port: port)
        defer { client.close() }
        let padding = String(repeating: "a", count: 9000)
        try client.send("CONNECT example.com:443 HTTP/1.1\r\nX-Padding: \(padding)\r\n\r\n")
        let response = String(decoding: client.readToEnd(), as: UTF8.self)
        #expect(response.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
        #expect(client.readToEnd() == [], "the connection is closed after the answer")
        try eventually { gateway.counters.snapshot.activeClientConnections == 0 }
        #expect(gateway.counters.snapshot.rejections.headTooLarge == 1)
    }

    @Test func dropsAClientThatTricklesItsHead() throws {
        var configuration = try configuration(allowing: 443)
        configuration.headTimeout = .milliseconds(300)
        let (gateway, _, port) = try startGateway(configuration)
        defer { gateway.stop() }
        let client = try TestClient(port: port)
        defer { client.close() }
        try client.send("CONNECT example.com:4")
        let started = ContinuousClock.now
        let response = String(decoding: client.readToEnd(), as: UTF8.self)
        #expect(response.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect(ContinuousClock.now - started < .seconds(4))
        try eventually { gateway.counters.snapshot.activeClientConnections == 0 }
        #expect(gateway.counters.snapshot.rejections.headTimeout == 1)
    }

    @Test func answersTunnelsOverTheLimitWith503() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        var configuration = try configuration(allowing: echo.port)
        configuration.maxTunnels = 1
        let (gateway, _, port) = try startGateway(configuration)
        defer { gateway.stop() }

        let first = try TestClient(port: port)
        defer { first.close() }
        try first.send("CONNECT 127.0.0.1:\(echo.port) HTTP/1.1\r\n\r\n")
        #expect(first.readHead() == "HTTP/1.1 200 Connection Established\r\n\r\n")

        let refused = try exchange(port, "CONNECT 127.0.0.1:\(echo.port) HTTP/1.1\r\n\r\n")
        #expect(refused.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(gateway.counters.snapshot.rejections.busy == 1)

        // The slot is given back when the first tunnel ends.
        first.shutdownWrite()
        #expect(first.readToEnd() == [])
        try eventually { gateway.counters.snapshot.activeTunnels == 0 }
        let again = try TestClient(port: port)
        defer { again.close() }
        try again.send("CONNECT 127.0.0.1:\(echo.port) HTTP/1.1\r\n\r\n")
        #expect(again.readHead() == "HTTP/1.1 200 Connection Established\r\n\r\n")
        #expect(gateway.counters.snapshot.tunnelsTotal == 2)
        #expect(gateway.counters.snapshot.rejectionCount == 1)
    }

    @Test func answersAnUnreachableDestinationWith502() throws {
        let closed = try unusedPort()
        let (gateway, log, port) = try startGateway(allowing: closed)
        defer { gateway.stop() }
        let response = try exchange(port, "CONNECT 127.0.0.1:\(closed) HTTP/1.1\r\n\r\n")
        #expect(response.hasPrefix("HTTP/1.1 502 Bad Gateway\r\n"))
        try eventually { gateway.counters.snapshot.activeClientConnections == 0 }
        let counters = gateway.counters.snapshot
        #expect(counters.errorCount == 1)
        #expect(counters.rejectionCount == 0)
        #expect(counters.activeTunnels == 0)
        #expect(log.events.contains { $0.event == 403 && $0.status == 502 })
    }

    @Test func closesATunnelThatIsIdle() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        var configuration = try configuration(allowing: echo.port)
        configuration.idleTimeout = .milliseconds(300)
        let (gateway, log, port) = try startGateway(configuration)
        defer { gateway.stop() }
        let client = try TestClient(port: port)
        defer { client.close() }
        try client.send("CONNECT 127.0.0.1:\(echo.port) HTTP/1.1\r\n\r\n")
        #expect(client.readHead() == "HTTP/1.1 200 Connection Established\r\n\r\n")
        #expect(client.readToEnd() == [])
        try eventually { log.events.contains { $0.event == 103 } }
        #expect(log.events.first { $0.event == 103 }?.end == "idle timeout")
    }

    @Test func stopEndsOpenTunnelsAndListening() throws {
        let echo = try EchoServer()
        defer { echo.stop() }
        let (gateway, log, port) = try startGateway(allowing: echo.port)
        let client = try TestClient(port: port)
        defer { client.close() }
        try client.send("CONNECT 127.0.0.1:\(echo.port) HTTP/1.1\r\n\r\n")
        #expect(client.readHead() == "HTTP/1.1 200 Connection Established\r\n\r\n")
        let started = ContinuousClock.now
        gateway.stop()
        #expect(ContinuousClock.now - started < .seconds(4))
        #expect(client.readToEnd() == [])
        #expect(log.events.contains { $0.event == 103 && $0.end == "stopped" })
        #expect(log.events.last?.event == 102)
        #expect(throws: (any Error).self) { try TestClient(port: port) }
    }

    @Test func aPortInUseIsAClearError() throws {
        let (gateway, _, port) = try startGateway(allowing: 443)
        defer { gateway.stop() }
        let second = GatewayServer(
            configuration: GatewayConfiguration(
                listen: Endpoint(host: "127.0.0.1", port: port), allowed: [AllowRule(host: "example.com")]))
        let error = #expect(throws: GatewayError.self) { try second.start() }
        #expect(error?.description.contains("port \(port) is in use") == true)
    }

    @Test func statusAnswersTheCountersAsJSON() throws {
        let (gateway, _, port) = try startGateway(allowing: 443)
        defer { gateway.stop() }
        let status = GatewayStatusServer(listen: Endpoint(host: "127.0.0.1", port: 0), counters: gateway.counters)
        let bound = try status.start()
        defer { status.stop() }
        _ = try exchange(port, "GET / HTTP/1.1\r\n\r\n")
        try eventually { gateway.counters.snapshot.activeClientConnections == 0 }

        let response = try exchange(bound.port, "GET /status HTTP/1.1\r\nHost: localhost\r\n\r\n")
        #expect(response.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(response.contains("Content-Type: application/json"))
        let body = try #require(response.range(of: "\r\n\r\n").map { response[$0.upperBound...] })
        let snapshot = try JSONDecoder().decode(GatewayCounters.Snapshot.self, from: Data(body.utf8))
        #expect(snapshot.rejectionCount == 1)
        #expect(snapshot.rejections.notConnect == 1)
        #expect(try exchange(bound.port, "GET /other HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 404 "))
        #expect(try exchange(bound.port, "POST /status HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 405 "))
    }
}

@Suite struct GatewayParsingTests {
    @Test func readsListenAddresses() throws {
        #expect(try Endpoint.parse("127.0.0.1:8080") == Endpoint(host: "127.0.0.1", port: 8080))
        #expect(try Endpoint.parse("[::1]:0") == Endpoint(host: "::1", port: 0))
        #expect(try Endpoint.parse("localhost:80") == Endpoint(host: "127.0.0.1", port: 80))
        for bad in [
            "127.0.0.1", "127.0.0.1:", ":8080", "example.com:80", "1.2.3.4:65536", "::1:80", "[::1]80", "1.2.3.4:-1",
        ] {
            #expect(throws: ConfigurationProblem.self, "\(bad)") { try Endpoint.parse(bad) }
        }
    }

    @Test func readsAllowRules() throws {
        #expect(try AllowRule.parse("Example.COM") == AllowRule(host: "example.com", port: 443))
        #expect(try AllowRule.parse("example.com:8443") == AllowRule(host: "example.com", port: 8443))
        #expect(try AllowRule.parse("*.ods.opinsights.azure.com").host == "*.ods.opinsights.azure.com")
        #expect(try AllowRule.parse("[::1]:443") == AllowRule(host: "::1", port: 443))
        for bad in ["", "example.com:", "example.com:0", "exa mple.com", "a..b", "*", "http://x", "x:99999", "[::1"] {
            #expect(throws: ConfigurationProblem.self, "\(bad)") { try AllowRule.parse(bad) }
        }
    }

    @Test func matchesHostsExactlyCaseInsensitivelyAndByWildcard() throws {
        let configuration = GatewayConfiguration(
            listen: Endpoint(host: "127.0.0.1", port: 0),
            allowed: [try AllowRule.parse("Exact.Example.com"), try AllowRule.parse("*.opinsights.azure.com")])
        #expect(configuration.refusal(host: "exact.example.com", port: 443) == nil)
        #expect(configuration.refusal(host: "x.opinsights.azure.com", port: 443) == nil)
        #expect(configuration.refusal(host: "a.b.opinsights.azure.com", port: 443) == nil)
        #expect(configuration.refusal(host: "opinsights.azure.com", port: 443) != nil)
        #expect(configuration.refusal(host: "evilopinsights.azure.com", port: 443) != nil)
        #expect(configuration.refusal(host: "sub.exact.example.com", port: 443) != nil)
        #expect(configuration.refusal(host: "exact.example.com", port: 80)?.contains("not a secure port") == true)
        #expect(ConnectTarget.parse("EXACT.example.com:443") == ConnectTarget(host: "exact.example.com", port: 443))
    }

    @Test func readsRequestLines() {
        #expect(
            RequestLine.parse(Array("CONNECT a.b:443 HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
                == RequestLine(method: "CONNECT", target: "a.b:443"))
        #expect(RequestLine.parse(Array("CONNECT  a.b:443 HTTP/1.1\r\n\r\n".utf8)) == nil)
        #expect(RequestLine.parse(Array("CONNECT a.b:443 HTTP/2\r\n\r\n".utf8)) == nil)
        #expect(RequestLine.parse(Array("CONNECT a.b:443\r\n\r\n".utf8)) == nil)
        #expect(ConnectTarget.parse("a.b") == nil)
        #expect(ConnectTarget.parse("a.b:0") == nil)
        #expect(ConnectTarget.parse("[::1]:443") == ConnectTarget(host: "::1", port: 443))
    }

    @Test func logLinesAreOneLineOfPrintableText() {
        #expect(GatewayEvent.printable("GET /\u{1B}[2J\n") == "GET /?[2J?")
        #expect(GatewayEvent.printable(String(repeating: "x", count: 500)).count == 203)
        let event = GatewayEvent(.notAllowed, "not allowed", client: "10.0.0.5", request: "CONNECT a:443", status: 403)
        #expect(event.text.hasSuffix(" event=105 CONNECT a:443 from 10.0.0.5: not allowed (answered 403)"))
        #expect(event.json.contains(#""event":105"#))
        #expect(!event.json.contains("\n"))
    }
}

// MARK: - Helpers

/// The events a gateway logged, in order.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [GatewayEvent] = []

    var events: [GatewayEvent] { lock.withLock { stored } }

    func append(_ event: GatewayEvent) { lock.withLock { stored.append(event) } }
}

final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [UInt8]?

    var value: [UInt8]? { lock.withLock { stored } }

    func set(_ bytes: [UInt8]) { lock.withLock { stored = bytes } }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
}

func configuration(allowing port: Int, securePorts: Set<Int>? = nil) throws -> GatewayConfiguration {
    GatewayConfiguration(
        listen: Endpoint(host: "127.0.0.1", port: 0), allowed: [AllowRule(host: "127.0.0.1", port: port)],
        securePorts: securePorts ?? [port], maxTunnels: 4, idleTimeout: .seconds(30))
}

func startGateway(allowing port: Int, securePorts: Set<Int>? = nil) throws -> (GatewayServer, EventLog, Int) {
    try startGateway(configuration(allowing: port, securePorts: securePorts))
}

func startGateway(_ configuration: GatewayConfiguration) throws -> (GatewayServer, EventLog, Int) {
    let log = EventLog()
    let gateway = GatewayServer(configuration: configuration) { log.append($0) }
    let bound = try gateway.start()
    return (gateway, log, bound.port)
}

/// Sends `request` on a new connection and reads the answer until the gateway closes it.
func exchange(_ port: Int, _ request: String) throws -> String {
    let client = try TestClient(port: port)
    defer { client.close() }
    try client.send(request)
    return String(decoding: client.readToEnd(), as: UTF8.self)
}

/// Waits (up to `seconds`) for something another thread does.
func eventually(seconds: Double = 5, _ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        guard Date() < deadline else { throw TestFailure(description: "condition not met within \(seconds) s") }
        usleep(10_000)
    }
}

/// A port nothing listens on: bound once, then let go.
func unusedPort() throws -> Int {
    let listener = try Listener.open(Endpoint(host: "127.0.0.1", port: 0))
    close(listener.descriptor)
    return listener.port
}

/// A blocking client socket with a five-second receive timeout, so that no test waits forever.
final class TestClient: @unchecked Sendable {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure(description: "socket: \(errno)") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(clamping: port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            Glibc.close(fd)
            throw TestFailure(description: "connect to \(port): \(code)")
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { raw in
                Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw TestFailure(description: "send: \(errno)") }
            offset += sent
        }
    }

    /// Up to `count` bytes: fewer only when the connection ends or five seconds pass in silence.
    func read(count: Int) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while result.count < count {
            let wanted = min(buffer.count, count - result.count)
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, wanted, 0) }
            guard got > 0 else { break }
            result += buffer[0..<got]
        }
        return result
    }

    /// A response head, byte by byte so that nothing after it is consumed.
    func readHead() -> String {
        var head: [UInt8] = []
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
            let byte = read(count: 1)
            guard let first = byte.first else { break }
            head.append(first)
        }
        return String(decoding: head, as: UTF8.self)
    }

    /// Everything until the peer closes (or five seconds of silence).
    func readToEnd() -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard got > 0 else { break }
            result += buffer[0..<got]
        }
        return result
    }

    func shutdownWrite() { _ = shutdown(fd, Int32(SHUT_WR)) }

    func close() { Glibc.close(fd) }
}

/// Echoes each connection's bytes back until the client ends its side, then ends its own:
/// the stand-in for a service on port 443.
final class EchoServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var stopping = false
    private var count = 0
    private let ended = DispatchSemaphore(value: 0)

    init() throws {
        (listener, port) = try Listener.open(Endpoint(host: "127.0.0.1", port: 0))
        let thread = Thread { [self] in
            while !lock.withLock({ stopping }) {
                guard case .ready = Socket.wait(listener, for: Int16(POLLIN), until: .now + .milliseconds(100)),
                    case .connection(let fd, _) = Listener.accept(listener)
                else { continue }
                lock.withLock { count += 1 }
                Thread { Self.echo(fd) }.start()
            }
            ended.signal()
        }
        thread.start()
    }

    var accepted: Int { lock.withLock { count } }

    private static func echo(_ fd: Int32) {
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            guard case .ready = Socket.wait(fd, for: Int16(POLLIN), until: .now + .seconds(30)) else { return }
            switch Socket.receive(fd, into: &buffer) {
            case .bytes(let count):
                guard Socket.sendAll(fd, Array(buffer[0..<count]), until: .now + .seconds(30)) else { return }
            case .wouldBlock: continue
            case .end:
                _ = shutdown(fd, Int32(SHUT_WR))
                return
            case .failed: return
            }
        }
    }

    func stop() {
        lock.withLock { stopping = true }
        ended.wait()
        close(listener)
    }
}
