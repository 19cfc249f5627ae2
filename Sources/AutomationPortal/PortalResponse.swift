import Foundation

/// What a page handler answers, before the security headers every response gets.
struct PortalResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: Data

    static func html(_ text: String, status: Int = 200) -> PortalResponse {
        PortalResponse(
            status: status, headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")],
            body: Data(text.utf8))
    }

    static func json(_ value: Any, status: Int = 200) -> PortalResponse {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("{}".utf8)
        return PortalResponse(
            status: status,
            headers: [("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store")],
            body: data)
    }

    /// 303: after a POST the browser fetches the page with GET.
    static func redirect(_ location: String, status: Int = 303) -> PortalResponse {
        PortalResponse(status: status, headers: [("Location", location)], body: Data())
    }

    static func asset(_ text: String, type: String) -> PortalResponse {
        PortalResponse(
            status: 200, headers: [("Content-Type", type), ("Cache-Control", "public, max-age=3600")],
            body: Data(text.utf8))
    }

    /// The headers every portal response carries: no inline script or style runs, no framing.
    static let securityHeaders: [(String, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "frame-ancestors 'none'; form-action 'self'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
    ]
}
