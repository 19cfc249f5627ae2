import Automation
import AutomationService
import Foundation

/// One API request after routing: decoded path parameters, query, body, and who asks.
public struct ARMRequest: Sendable {
    public var method: String
    /// Path segments, percent-decoded one by one (so `%2F` inside a name stays a character).
    public var segments: [String]
    public var parameters: [String: String]
    public var query: [String: String]
    public var headers: [String: String]
    public var body: Data
    public var token: TokenInfo?
    public var requestId: String
    /// The path prefix the client used (nextLink and Location URLs are relative to it).
    public var path: String
    /// The address the request came from (a proxy's or gateway's when there is one).
    public var peer: String?

    public func parameter(_ name: String) -> String { parameters[name] ?? "" }

    /// Who asks, as a job's record names a request (the token's name).
    var requester: JobRequester { .token(token?.name ?? "?") }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The body as JSON; Azure's clients always send JSON for JSON operations.
    public func json() throws(ServiceError) -> JSONValue {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes: body)
        } catch {
            throw .invalid("the request body is not valid JSON: \(error)", target: "body")
        }
        guard case .object = value else { throw .invalid("the request body must be a JSON object", target: "body") }
        return value
    }

    /// The body as UTF-8 text (runbook content).
    public func text() throws(ServiceError) -> String {
        guard let text = String(data: body, encoding: .utf8) else {
            throw .invalid("the request body is not UTF-8 text", target: "body")
        }
        return text
    }
}

/// What a handler answers.
public struct ARMResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public static func json(_ value: JSONValue, status: Int = 200) -> ARMResponse {
        ARMResponse(
            status: status, headers: [("Content-Type", "application/json; charset=utf-8")],
            body: Data(value.serialized().utf8))
    }

    public static func text(_ text: String, status: Int = 200) -> ARMResponse {
        ARMResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Data(text.utf8))
    }

    /// An action answered with no body (stop, suspend, resume, deletes).
    public static func empty(_ status: Int = 200) -> ARMResponse {
        ARMResponse(status: status, headers: [], body: Data())
    }

    /// A long-running operation accepted: the client polls `location` (Azure's ARMPolling).
    public static func accepted(location: String) -> ARMResponse {
        ARMResponse(status: 202, headers: [("Location", location), ("Retry-After", "1")], body: Data())
    }

    /// The longest error message a response carries; longer ones are cut and say so.
    public static let maxErrorMessageBytes = 16 * 1024

    /// Azure's error body: `{"error": {"code", "message", "target"?}}`.
    public static func error(_ error: ServiceError) -> ARMResponse {
        var fields: [(String, JSONValue)] = [
            ("code", .string(error.azureCode)), ("message", .string(bounded(error.description))),
        ]
        if case .invalid(_, let target, _) = error, let target { fields.append(("target", .string(target))) }
        var response = json(.object([("error", .object(fields))]), status: error.httpStatus)
        if error.httpStatus == 401 { response.headers.append(("WWW-Authenticate", "Bearer")) }
        // The store is down: Azure's clients retry a 503 after this many seconds.
        if error.httpStatus == 503 { response.headers.append(("Retry-After", "5")) }
        if case .tooManyRequests(_, let seconds) = error { response.headers.append(("Retry-After", "\(seconds)")) }
        return response
    }

    /// A message cut at a line (or character) boundary past ``maxErrorMessageBytes``.
    static func bounded(_ message: String) -> String {
        guard message.utf8.count > maxErrorMessageBytes else { return message }
        var kept = String(decoding: message.utf8.prefix(maxErrorMessageBytes), as: UTF8.self)
        if let lastLine = kept.lastIndex(of: "\n") { kept = String(kept[..<lastLine]) }
        let left = message.utf8.count - kept.utf8.count
        return kept + "\n... (\(left) more bytes of this message left out)"
    }
}
