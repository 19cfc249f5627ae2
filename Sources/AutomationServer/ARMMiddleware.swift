import Automation
import AutomationService
import Foundation
import Hummingbird

/// A request on its way to its route's handler: what routing found, and what the middleware
/// adds (the caller's token, the body).
struct ARMExchange: Sendable {
    var request: Request
    var route: ARMRoute
    var parameters: [String: String]
    var segments: [String]
    var rawPath: String
    var query: [String: String]
    /// Header names in lower case.
    var headers: [String: String]
    var requestId: String
    /// The address the request came from (a proxy's or gateway's when there is one).
    var peer: String?
    var token: TokenInfo?
    var body = Data()

    /// The handler's view of the request.
    var armRequest: ARMRequest {
        ARMRequest(
            method: request.method.rawValue, segments: segments, parameters: parameters, query: query,
            headers: headers, body: body, token: token, requestId: requestId, path: rawPath, peer: peer)
    }
}

/// One concern of every request (the api-version, the bearer token, the body's size), in the
/// style of Hummingbird's `RouterMiddleware`: it answers itself, or passes the exchange on.
protocol ARMMiddleware: Sendable {
    func handle(_ exchange: ARMExchange, next: @Sendable (ARMExchange) async -> ARMResponse) async -> ARMResponse
}

/// ARM routes carry a supported `api-version` (Azure's clients always send one).
struct APIVersionMiddleware: ARMMiddleware {
    /// What Azure's SDKs and CLI send; 2024-10-23 is azure-mgmt-automation 2.0.0's.
    static let supported: Set<String> = [
        "2015-10-31", "2017-05-15-preview", "2018-01-15", "2018-06-30", "2019-06-01", "2020-01-13-preview",
        "2021-06-22", "2022-08-08", "2023-05-15-preview", "2023-11-01", "2024-10-23",
    ]

    func handle(_ exchange: ARMExchange, next: @Sendable (ARMExchange) async -> ARMResponse) async -> ARMResponse {
        guard exchange.route.armVersioned else { return await next(exchange) }
        guard let version = exchange.query["api-version"] else {
            return .error(.invalid("the api-version query parameter is required (2024-10-23)", target: "api-version"))
        }
        guard Self.supported.contains(version) else {
            return .error(
                .invalid(
                    "api-version '\(version)' is not supported; supported: "
                        + Self.supported.sorted().joined(separator: ", "), target: "api-version"))
        }
        return await next(exchange)
    }
}

/// Every operation but the OpenAPI document and the health check needs a bearer token, with
/// the right to write for an operation that writes.
struct AuthenticationMiddleware: ARMMiddleware {
    let service: AutomationService
    static let open: Set<String> = ["OpenAPI_Get", "Health_Get"]

    func handle(_ exchange: ARMExchange, next: @Sendable (ARMExchange) async -> ARMResponse) async -> ARMResponse {
        // The agent's routes check the agent's own credential (or enrolment token) themselves.
        guard !Self.open.contains(exchange.route.operationId), !exchange.route.operationId.hasPrefix("Agent_") else {
            return await next(exchange)
        }
        var exchange = exchange
        do {
            let found = try await service.authenticate(authorization: exchange.headers["authorization"])
            try service.authorize(found, write: exchange.route.writes)
            exchange.token = found
        } catch {
            return .error(error)
        }
        return await next(exchange)
    }
}

/// The body, read whole up to Azure's ARM limit, or an agent upload's (413 past it).
struct BodyLimitMiddleware: ARMMiddleware {
    let armLimit: Int
    /// An agent's upload may carry a whole machine's inventory (docs/SECURITY.md).
    static let agentUploadLimit = 64 * 1024 * 1024

    func handle(_ exchange: ARMExchange, next: @Sendable (ARMExchange) async -> ARMResponse) async -> ARMResponse {
        let limit = exchange.route.operationId == "Agent_Upload" ? Self.agentUploadLimit : armLimit
        var exchange = exchange
        do {
            let buffer = try await exchange.request.collectBody(upTo: limit)
            exchange.body = Data(buffer.readableBytesView)
        } catch {
            var response = ARMResponse.error(
                .invalid("the request body is larger than \(limit / 1024 / 1024) MiB", target: "body"))
            response.status = 413
            return response
        }
        return await next(exchange)
    }
}
