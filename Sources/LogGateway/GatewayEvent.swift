import Foundation

/// One log line: a tunnel that ended, a request refused, the gateway starting or stopping.
/// The numbers are the Log Analytics gateway's event ids, so that what watches one watches the
/// other. Nothing a client sends reaches a line but the request line, made printable and short.
public struct GatewayEvent: Sendable, Codable, Equatable {
    public enum ID: Int, Sendable {
        case general = 100
        case started = 101
        case stopped = 102
        case tunnel = 103
        case notConnect = 104
        case notAllowed = 105
        case internalError = 400
        case networkError = 403
    }

    public var time: Date
    public var event: Int
    public var message: String
    public var client: String?
    /// `CONNECT host:port`, or the method and target of another request.
    public var request: String?
    /// The HTTP status answered, when the request was refused.
    public var status: Int?
    public var bytesUp: UInt64?
    public var bytesDown: UInt64?
    public var seconds: Double?
    /// Why a tunnel ended: closed, idle, reset or stopped.
    public var end: String?

    init(
        _ id: ID, _ message: String, client: String? = nil, request: String? = nil, status: Int? = nil,
        time: Date = Date()
    ) {
        self.time = time
        self.event = id.rawValue
        self.message = message
        self.client = client
        self.request = request
        self.status = status
    }

    /// `TIME event=103 CONNECT host:443 from 10.0.0.5: 5120 bytes up, 20480 bytes down, 1.25 s`.
    public var text: String {
        var line = "\(time.formatted(.iso8601)) event=\(event)"
        if let request { line += " \(request)" }
        if let client { line += " from \(client)" }
        line += (request == nil && client == nil) ? " \(message)" : ": \(message)"
        if let status { line += " (answered \(status))" }
        return line
    }

    /// One line of JSON, keys sorted.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(self) else { return #"{"event":\#(event)}"# }
        return String(decoding: data, as: UTF8.self)
    }

    static func tunnel(request: String, client: String, result: TunnelResult) -> GatewayEvent {
        let seconds =
            Double(result.elapsed.components.seconds)
            + Double(result.elapsed.components.attoseconds) / 1e18
        var message =
            "\(result.bytesUp) bytes up, \(result.bytesDown) bytes down, \(String(format: "%.2f", seconds)) s"
        if result.end != .closed { message += " (\(result.end.rawValue))" }
        var event = GatewayEvent(.tunnel, message, client: client, request: request)
        event.bytesUp = result.bytesUp
        event.bytesDown = result.bytesDown
        event.seconds = (seconds * 1000).rounded() / 1000
        event.end = result.end.rawValue
        return event
    }

    /// Client text made safe for a line: printable ASCII only (others become '?'), at most
    /// `limit` characters.
    public static func printable(_ text: String, limit: Int = 200) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if out.count >= limit {
                out += "..."
                break
            }
            out.unicodeScalars.append((0x20...0x7E).contains(scalar.value) ? scalar : "?")
        }
        return out
    }
}
