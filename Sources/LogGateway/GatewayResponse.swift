/// The few answers the gateway gives, each a complete HTTP/1.1 response after which the
/// connection closes (except the 200 that opens a tunnel).
enum GatewayResponse {
    static let established = Array("HTTP/1.1 200 Connection Established\r\n\r\n".utf8)

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 431: "Request Header Fields Too Large"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "Error"
        }
    }

    /// A response with a body and `Connection: close`; `headers` are added as given.
    static func make(
        _ status: Int, body: String, contentType: String = "text/plain; charset=utf-8", headers: [String] = []
    ) -> [UInt8] {
        let bodyBytes = Array(body.utf8)
        var head = "HTTP/1.1 \(status) \(reason(status))\r\n"
        for header in ["Content-Type: \(contentType)", "Content-Length: \(bodyBytes.count)", "Connection: close"]
            + headers
        {
            head += header + "\r\n"
        }
        return Array((head + "\r\n").utf8) + bodyBytes
    }
}
