import Foundation

/// Login CSRF: a page of another site must not sign a browser in to this portal (with the
/// attacker's token, so that what the victim then does lands in the attacker's account). A
/// sign-in needs the pre-session token the sign-in page set, in its cookie and in its form
/// (another site can read neither), and a browser's `Origin` (or, without it, `Referer`) must
/// name this server.
enum SignInGuard {
    static let cookieName = "runbook_signin"
    static let field = "signin_token"

    static func cookie(_ token: String, secure: Bool) -> String {
        "\(cookieName)=\(token); Path=\(Portal.root)/signin; HttpOnly; SameSite=Strict; Max-Age=3600"
            + (secure ? "; Secure" : "")
    }

    /// True when the request names no other site: its `Origin` (else `Referer`) has the same
    /// host and port as `Host`. A client that sends neither (a script) passes this check and
    /// still needs the pre-session token.
    static func sameSite(origin: String?, referer: String?, host: String?) -> Bool {
        guard let claimed = origin ?? referer else { return true }
        guard let host, !host.isEmpty, claimed != "null", let url = URL(string: claimed), let name = url.host
        else { return false }
        let authority = url.port.map { "\(name):\($0)" } ?? name
        let bracketed = name.contains(":") ? "[\(name)]" + (url.port.map { ":\($0)" } ?? "") : authority
        return host.caseInsensitiveCompare(authority) == .orderedSame
            || host.caseInsensitiveCompare(bracketed) == .orderedSame
    }
}
