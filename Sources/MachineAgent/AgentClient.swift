import AsyncHTTPClient
import Automation
import Foundation
import Gzip
import NIOCore
import NIOHTTP1
import NIOSSL

/// The agent's HTTP side: every request to the service's /agent/v1 routes, straight or through
/// a gateway (`--proxy`, an HTTP CONNECT tunnel: TLS stays between agent and service).
final class AgentClient: Sendable {
    let server: URL
    let http: HTTPClient
    /// The largest answer the agent reads (a configuration with its tracked items).
    static let maxResponseBytes = 8 * 1024 * 1024

    init(server: URL, proxy: URL?, caFile: String?) throws {
        self.server = server
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile {
            tls.trustRoots = .file(caFile)
            // Through a proxy the HTTP client names no host to check an IP address against
            // ("<none>"); with the service's own certificate as the only trusted root, that
            // certificate is the check. With the system's roots, names are always checked.
            if proxy != nil, let host = server.host, host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) {
                tls.certificateVerification = .noHostnameVerification
            }
        }
        // A short connect timeout: the client keeps retrying a refused connection until it
        // ends, and the agent's loop (collection included) waits for it meanwhile.
        // The pool keeps an idle connection 120 s: longer than the heartbeat (60 s), so the
        // connection lasts from one minute to the next instead of a TLS handshake every other
        // minute, and shorter than the service's idle close (150 s), so the agent closes first.
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, timeout: .init(connect: .seconds(2), read: .seconds(60)),
            connectionPool: .init(idleTimeout: .seconds(120)))
        if let proxy, let host = proxy.host {
            configuration.proxy = .server(host: host, port: proxy.port ?? 8080)
        }
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    /// An answer: its status, body and `Retry-After` seconds.
    struct Answer {
        var status: Int
        var body: Data
        var retryAfter: Int?
        var etag: String?
    }

    func send(_ method: HTTPMethod, _ path: String, authorization: String?, body: Data? = nil, etag: String? = nil)
        async throws -> Answer
    {
        var request = HTTPClientRequest(url: server.appendingPathComponent(path).absoluteString)
        request.method = method
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.headers.add(name: "User-Agent", value: "runbook-agent/\(AgentVersion.text)")
        if let etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            // Uploads are JSON, which gzip makes several times smaller; tiny bodies go as they are.
            if body.count > 512 {
                request.headers.add(name: "Content-Encoding", value: "gzip")
                request.body = .bytes(ByteBuffer(bytes: Gzip.compress(body)))
            } else {
                request.body = .bytes(ByteBuffer(bytes: body))
            }
        }
        let response = try await http.execute(request, timeout: .seconds(120))
        let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
        return Answer(
            status: Int(response.status.code), body: Data(buffer.readableBytesView),
            retryAfter: response.headers.first(name: "Retry-After").flatMap { Int($0) },
            etag: response.headers.first(name: "ETag"))
    }

    static let encoder = AgentJSON.encoder()
    static let decoder = AgentJSON.decoder()

    /// The service's error message of a refusal, or the status.
    static func message(_ answer: Answer) -> String {
        struct Body: Decodable {
            struct Inner: Decodable { var message: String }
            var error: Inner
        }
        if let body = try? JSONDecoder().decode(Body.self, from: answer.body) { return body.error.message }
        return "HTTP \(answer.status)"
    }
}

/// The agent's version, reported at enrolment and in each heartbeat.
public enum AgentVersion {
    public static let text = "1.0.0"
}

extension AgentClient {
    /// A failed request in plain words, and whether trying again can help: an untrusted
    /// certificate stays untrusted, so the agent stops and says what to give it.
    func describe(_ error: any Error) -> (text: String, permanent: Bool) {
        let raw = "\(error)"
        let place = "\(server.host ?? "?"):\(server.port ?? (server.scheme == "http" ? 80 : 443))"
        if raw.contains("CERTIFICATE_VERIFY_FAILED") || raw.contains("failedToValidateHostname")
            || raw.contains("unableToValidateCertificate")
        {
            return (
                "the service's certificate at \(place) is not trusted: give --ca with it "
                    + "('runbook serve --tls-self-signed' prints its path)", true
            )
        }
        if raw.contains("Connection refused") || raw.contains("errno: 111") {
            return ("nothing answers at \(place) (connection refused)", false)
        }
        if raw.contains("invalidProxyResponse") {
            return (
                "the gateway refused the tunnel to \(place) (a gateway tunnels only to allowed hosts' port 443)", false
            )
        }
        if raw.contains("remoteConnectionClosed") {
            return ("the service at \(place) closed the connection (is it https, and the right port?)", false)
        }
        if raw.contains("connectTimeout") || raw.contains("Timeout") {
            return ("no answer from \(place) in time", false)
        }
        return (raw, false)
    }
}
