import Automation
import AutomationService
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Every request goes through here: a request id, a bounded body, the bearer token, the
/// api-version, the route table, Azure's error body, and one log line.
public struct ARMResponder: HTTPResponder {
    public typealias Context = BasicRequestContext

    let routes: [ARMRoute]
    let service: AutomationService
    let logger: Logger
    /// Azure's ARM limit for a request body.
    public static let maxBodyBytes = 4 * 1024 * 1024
    /// What Azure's SDKs and CLI send; 2024-10-23 is azure-mgmt-automation 2.0.0's.
    public static let apiVersions: Set<String> = [
        "2015-10-31", "2017-05-15-preview", "2018-01-15", "2018-06-30", "2019-06-01", "2020-01-13-preview",
        "2021-06-22", "2022-08-08", "2023-05-15-preview", "2023-11-01", "2024-10-23",
    ]

    public init(routes: [ARMRoute], service: AutomationService, logger: Logger) {
        self.routes = routes
        self.service = service
        self.logger = logger
    }

    public func respond(to request: Request, context: Context) async throws -> Response {
        let started = ContinuousClock.now
        let requestId = UUID().uuidString.lowercased()
        var request = request
        let (response, routeName) = await answer(&request, requestId: requestId)
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

    private func answer(_ request: inout Request, requestId: String) async -> (ARMResponse, String) {
        let target = request.head.path ?? "/"
        let (rawPath, rawQuery) = Self.split(target)
        let segments: [String]
        do {
            segments = try Self.segments(rawPath)
        } catch {
            return (.error(error), "-")
        }
        let candidates = routes.compactMap { route in route.match(segments).map { (route, $0) } }
        guard !candidates.isEmpty else {
            return (.error(.notFound(kind: "API path", name: rawPath, hint: "")), "-")
        }
        guard let (route, parameters) = candidates.first(where: { $0.0.method == request.method.rawValue }) else {
            let allowed = Set(candidates.map(\.0.method)).sorted().joined(separator: ", ")
            var response = ARMResponse.error(
                .invalid("\(request.method.rawValue) is not supported on this path; allowed: \(allowed)"))
            response.status = 405
            response.headers.append(("Allow", allowed))
            return (response, "-")
        }
        let query = Self.query(rawQuery)
        if route.armVersioned {
            guard let version = query["api-version"] else {
                return (
                    .error(.invalid("the api-version query parameter is required (2024-10-23)", target: "api-version")),
                    route.operationId
                )
            }
            guard Self.apiVersions.contains(version) else {
                return (
                    .error(
                        .invalid(
                            "api-version '\(version)' is not supported; supported: "
                                + Self.apiVersions.sorted().joined(separator: ", "), target: "api-version")),
                    route.operationId
                )
            }
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        var token: TokenInfo?
        if route.operationId != "OpenAPI_Get" && route.operationId != "Health_Get" {
            do {
                let found = try await service.authenticate(authorization: headers["authorization"])
                try service.authorize(found, write: route.writes)
                token = found
            } catch {
                return (.error(error), route.operationId)
            }
        }
        let body: Data
        do {
            let buffer = try await request.collectBody(upTo: Self.maxBodyBytes)
            body = Data(buffer.readableBytesView)
        } catch {
            var response = ARMResponse.error(
                .invalid("the request body is larger than \(Self.maxBodyBytes / 1024 / 1024) MiB", target: "body"))
            response.status = 413
            return (response, route.operationId)
        }
        let armRequest = ARMRequest(
            method: request.method.rawValue, segments: segments, parameters: parameters, query: query,
            headers: headers, body: body, token: token, requestId: requestId, path: rawPath)
        do {
            return (try await route.handler(armRequest), route.operationId)
        } catch {
            return (.error(error), route.operationId)
        }
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
