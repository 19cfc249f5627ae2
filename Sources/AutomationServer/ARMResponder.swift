import Automation
import AutomationService
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Every request goes through here: a request id, the route (one walk of the route trie, 404
/// and 405 here), the middleware (api-version, bearer token, bounded body), the handler,
/// Azure's error body, and one log line.
public struct ARMResponder: HTTPResponder {
    public typealias Context = RunbookRequestContext

    let router: ARMRouter
    let middleware: [any ARMMiddleware]
    let logger: Logger
    /// Azure's ARM limit for a request body.
    public static let maxBodyBytes = 4 * 1024 * 1024
    /// The api-versions served.
    public static var apiVersions: Set<String> { APIVersionMiddleware.supported }

    public init(routes: [ARMRoute], service: AutomationService, logger: Logger) {
        self.router = ARMRouter(routes)
        self.middleware = [
            APIVersionMiddleware(), AuthenticationMiddleware(service: service),
            BodyLimitMiddleware(armLimit: Self.maxBodyBytes),
        ]
        self.logger = logger
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let requestId = UUID().uuidString.lowercased()
        let (response, routeName) = await answer(request, requestId: requestId, peer: context.peerAddress)
        var headers = HTTPFields()
        for (name, value) in response.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        if let field = HTTPField.Name("x-ms-request-id") { headers[field] = requestId }
        if let field = HTTPField.Name("x-ms-client-request-id"), let client = request.headers[field] {
            headers[field] = client
        }
        headers[.contentLength] = String(response.body.count)
        let elapsed = started.duration(to: .now)
        logger.info(
            "request",
            metadata: [
                "http.method": "\(request.method.rawValue)", "http.path": "\(Self.pathOnly(request.head.path ?? "/"))",
                "http.status": "\(response.status)", "http.route": "\(routeName)",
                "duration.ms":
                    "\(Double(elapsed.components.attoseconds / 1_000_000_000_000) / 1000 + Double(elapsed.components.seconds) * 1000)",
                "request.id": "\(requestId)",
            ])
        return Response(
            status: HTTPResponse.Status(code: response.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }

    private func answer(_ request: Request, requestId: String, peer: String?) async -> (ARMResponse, String) {
        let target = request.head.path ?? "/"
        let (rawPath, rawQuery) = Self.split(target)
        let segments: [String]
        do {
            segments = try Self.segments(rawPath)
        } catch {
            return (.error(error), "-")
        }
        guard let match = router.match(segments) else {
            return (.error(.notFound(kind: "API path", name: rawPath, hint: "")), "-")
        }
        guard let (route, parameters) = match.route(for: request.method.rawValue) else {
            let allowed = match.allowedMethods
            var response = ARMResponse.error(
                .invalid("\(request.method.rawValue) is not supported on this path; allowed: \(allowed)"))
            response.status = 405
            response.headers.append(("Allow", allowed))
            return (response, "-")
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let exchange = ARMExchange(
            request: request, route: route, parameters: parameters, segments: segments, rawPath: rawPath,
            query: Self.query(rawQuery), headers: headers, requestId: requestId, peer: peer)
        return (await Self.run(exchange, through: middleware[...]), route.operationId)
    }

    /// The middleware in order, then the route's handler; a thrown error is Azure's error body.
    private static func run(_ exchange: ARMExchange, through rest: ArraySlice<any ARMMiddleware>) async
        -> ARMResponse
    {
        guard let first = rest.first else {
            do {
                return try await exchange.route.handler(exchange.armRequest)
            } catch {
                return .error(error)
            }
        }
        let remaining = rest.dropFirst()
        return await first.handle(exchange) { await run($0, through: remaining) }
    }

    static func split(_ target: String) -> (String, String) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), String(target[target.index(after: mark)...]))
    }

    static func pathOnly(_ target: String) -> String { split(target).0 }

    /// Segments decoded one by one: a `%2F` inside a name is refused, never taken as a
    /// separator, and `.` or `..` never reach a handler.
    static func segments(_ path: String) throws(ServiceError) -> [String] {
        var result: [String] = []
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            // Most segments hold no escape: decoding them would only cost time.
            guard let decoded = raw.utf8.contains(UInt8(ascii: "%")) ? String(raw).removingPercentEncoding : String(raw)
            else {
                throw .invalid("the path segment '\(raw)' is not valid percent-encoded UTF-8", target: "path")
            }
            if decoded == "." || decoded == ".." {
                throw .invalid("the path segment '\(decoded)' is not allowed", target: "path")
            }
            if decoded.contains("/") || decoded.contains("\\") {
                throw .invalid("the path segment '\(raw)' holds an encoded path separator", target: "path")
            }
            if decoded.unicodeScalars.contains(where: { TerminalText.isControl($0) }) {
                throw .invalid("a path segment holds a control character", target: "path")
            }
            result.append(decoded)
        }
        return result
    }

    static func query(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            let value =
                parts.count > 1
                ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            result[key] = value
        }
        return result
    }
}
