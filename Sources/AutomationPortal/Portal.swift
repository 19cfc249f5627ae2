import Automation
import AutomationService
import Foundation
import Logging

/// The portal: server-rendered pages over the application layer, under `/portal`. Every
/// template, the stylesheet and the script are compiled into the binary.
public struct Portal: Sendable {
    let service: AutomationService
    let submission: any JobSubmission
    /// Served over TLS: the session cookie is `Secure`.
    let secure: Bool
    let sessions: PortalSessions
    let templates: PortalTemplates
    let chartCache = ChartCache()
    let logger: Logger

    /// The path every portal page lives under.
    public static let root = "/portal"
    /// The largest form a browser may post (a runbook's parameters, a tracked item).
    public static let maxFormBytes = 256 * 1024
    static let cookieName = "runbook_session"

    public init(service: AutomationService, submission: any JobSubmission, secure: Bool, logger: Logger) throws {
        self.service = service
        self.submission = submission
        self.secure = secure
        self.sessions = PortalSessions()
        self.templates = try PortalTemplates()
        self.logger = logger
    }

    /// Answers one request whose path starts with `/portal`. `body` is nil when it was larger
    /// than `maxFormBytes`.
    /// `origin`, `referer` and `host` are the request's headers: a sign-in posted from another
    /// site is refused.
    public func answer(
        method: String, path: String, query: String, cookieHeader: String?, body: Data?,
        origin: String? = nil, referer: String? = nil, host: String? = nil
    ) async -> (status: Int, headers: [(String, String)], body: Data) {
        var response = await route(
            method: method, path: path, query: query, cookieHeader: cookieHeader, body: body,
            origin: origin, referer: referer, host: host)
        response.headers += PortalResponse.securityHeaders
        return (response.status, response.headers, response.body)
    }

    private func route(
        method: String, path: String, query: String, cookieHeader: String?, body: Data?, origin: String?,
        referer: String?, host: String?
    ) async -> PortalResponse {
        guard let all = PortalRequest.segments(path), all.first == "portal" else {
            return notFound("This address is not a portal page.")
        }
        var request = PortalRequest(
            method: method, segments: Array(all.dropFirst()),
            query: Dictionary(
                PortalRequest.pairs(query), uniquingKeysWith: { first, _ in first }),
            form: [], cookies: PortalRequest.cookies(cookieHeader))
        // Assets and the sign-in page need no session.
        switch (method, request.segments.first) {
        case ("GET", "assets"): return asset(request.segments.dropFirst().first ?? "")
        case ("GET", "signin"): return signInPage(error: nil)
        case ("POST", "signin"):
            guard SignInGuard.sameSite(origin: origin, referer: referer, host: host) else {
                return self.error(
                    403, "Request refused", "A sign-in must come from this portal's own sign-in page (Origin).")
            }
            request.form = PortalRequest.pairs(String(decoding: body ?? Data(), as: UTF8.self))
            guard let sent = request.value(SignInGuard.field), let kept = request.cookies[SignInGuard.cookieName],
                PortalSessions.same(sent, kept)
            else {
                return signInPage(
                    error: "The sign-in form's security token is missing or old (CSRF). Sign in again from this page.",
                    status: 403)
            }
            return await signIn(request)
        default: break
        }
        guard let id = request.cookies[Self.cookieName], let session = await sessions.session(id: id) else {
            return method == "GET" && request.segments.last?.hasSuffix(".json") != true
                ? .redirect(Self.root + "/signin", status: 303)
                : error(401, "Not signed in", "Sign in again with a token from 'runbook token create'.")
        }
        do {
            request.token = try await service.authenticate(authorization: "Bearer " + session.bearer)
        } catch {
            await sessions.remove(id: session.id)
            return signInPage(error: "Your session ended: \(error.description)", status: 401, clearCookie: true)
        }
        request.session = session
        if method == "POST" {
            guard let data = body, data.count <= Self.maxFormBytes else {
                return self.error(413, "Form too large", "A form may hold at most 256 KiB.")
            }
            request.form = PortalRequest.pairs(String(decoding: data, as: UTF8.self))
            guard let csrf = request.value("csrf"), PortalSessions.same(csrf, session.csrf) else {
                return self.error(
                    403, "Request refused",
                    "The form's security token is missing or wrong (CSRF). Reload the page and try again.")
            }
            if request.segments == ["signout"] {
                await sessions.remove(id: session.id)
                var response = PortalResponse.redirect(Self.root + "/signin")
                response.headers.append(("Set-Cookie", clearedCookie))
                return response
            }
            guard request.canWrite else {
                return self.error(
                    403, "Read-only token",
                    "The token '\(request.token?.name ?? "")' is read-only (reader); this action changes state "
                        + "and needs a contributor token.")
            }
        } else if method != "GET" && method != "HEAD" {
            return self.error(405, "Method not allowed", "The portal answers GET and POST.")
        }
        return await page(request)
    }

    private func page(_ request: PortalRequest) async -> PortalResponse {
        let s = request.segments
        switch (request.method, s.count, s.first) {
        case (_, 0, _): return .redirect(landing, status: 302)
        case ("GET", 1, "machines"): return await machinesPage(request)
        case ("POST", 2, "machines") where s[1] == "enable": return await enable(request)
        case ("GET", 1, "changes"): return await changesPage(request)
        case ("GET", 2, "changes"): return await changePage(request, id: s[1])
        case ("GET", 1, "inventory"): return await inventoryPage(request)
        case ("GET", 1, "tracking"):
            let notice =
                request.parameter("removed").map { "Removed '\($0)'." }
                ?? request.parameter("saved").map { $0 == "1" ? "Saved." : "Saved '\($0)'." }
            return await trackingPage(request, errors: [], notice: notice)
        case ("POST", 2, "tracking") where s[1] == "save": return await saveTracked(request)
        case ("POST", 2, "tracking") where s[1] == "remove": return await removeTracked(request)
        case ("GET", 1, "runbooks"): return await runbooksPage(request)
        case ("GET", 2, "runbooks"): return await runbookPage(request, name: s[1], errors: [], values: [:])
        case ("POST", 3, "runbooks") where s[2] == "start": return await startJob(request, runbook: s[1])
        case ("GET", 1, "jobs"): return await jobsPage(request)
        case ("GET", 2, "jobs"): return await jobPage(request, id: s[1])
        case ("GET", 3, "jobs") where s[2] == "streams.json": return await jobStreams(request, id: s[1])
        case ("GET", 3, "jobs") where s[2] == "output.txt": return await jobOutput(request, id: s[1])
        case ("POST", 3, "jobs"): return await jobAction(request, id: s[1], action: s[2])
        case ("GET", 1, "schedules"): return await schedulesPage(request)
        case ("GET", 1, "logs"): return await logsPage(request)
        case ("POST", 3, "schedules"): return await scheduleAction(request, name: s[1], action: s[2])
        default: return notFound("There is no portal page at this address.")
        }
    }

    // MARK: Sign-in

    /// The sign-in page, with a fresh pre-session token in a cookie and in the form: a sign-in
    /// posted without both (from another site's page) is refused.
    private func signInPage(error: String?, status: Int = 200, clearCookie: Bool = false) -> PortalResponse {
        let token = PortalSessions.randomToken()
        var response = PortalResponse.html(
            templates.render(
                "signin",
                ["title": "Sign in", "error": error as Any, "signedOut": true, "signIn": true, "signinToken": token]),
            status: status)
        if clearCookie { response.headers.append(("Set-Cookie", clearedCookie)) }
        response.headers.append(("Set-Cookie", SignInGuard.cookie(token, secure: secure)))
        return response
    }

    private func signIn(_ request: PortalRequest) async -> PortalResponse {
        let text = (request.value("token") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let found: TokenInfo
        do {
            found = try await service.authenticate(authorization: "Bearer " + text)
        } catch {
            return signInPage(error: error.description, status: 401)
        }
        let session = await sessions.create(bearer: text, tokenId: found.id)
        var response = PortalResponse.redirect(landing)
        var cookie =
            "\(Self.cookieName)=\(session.id); Path=\(Self.root); HttpOnly; SameSite=Strict; "
            + "Max-Age=\(Int(PortalSessions.lifetime))"
        if secure { cookie += "; Secure" }
        response.headers.append(("Set-Cookie", cookie))
        return response
    }

    /// The first page after signing in: the machines.
    private var landing: String { Self.root + "/machines" }

    private var clearedCookie: String {
        "\(Self.cookieName)=; Path=\(Self.root); HttpOnly; SameSite=Strict; Max-Age=0" + (secure ? "; Secure" : "")
    }

    // MARK: Shared rendering

    /// Renders a page inside the layout with the session's values (CSRF token, who, nav).
    func render(_ template: String, _ request: PortalRequest, _ values: [String: Any], status: Int = 200)
        -> PortalResponse
    {
        var context = values
        context["csrf"] = request.session?.csrf ?? ""
        context["user"] = request.token?.name ?? ""
        context["role"] = request.token?.role.rawValue ?? ""
        context["readOnly"] = !request.canWrite
        context["disabled"] = request.canWrite ? "" : "disabled"
        context["nav_" + (request.segments.first ?? "")] = true
        return .html(templates.render(template, context), status: status)
    }

    /// An error page: the sections stay in reach (a page without a session leads to sign-in).
    func error(_ status: Int, _ title: String, _ message: String) -> PortalResponse {
        .html(
            templates.render("error", ["title": title, "message": message, "status": status, "signedOut": true]),
            status: status)
    }

    func notFound(_ message: String) -> PortalResponse { error(404, "Not found", message) }

    /// A service error as a page with its own status.
    func failure(_ error: ServiceError) -> PortalResponse {
        self.error(error.httpStatus, "Could not do that", error.description)
    }

    /// The tab's icon (a page names it, so no browser asks for a missing `/favicon.ico`).
    static let favicon = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#0063b1"/>\
        <path d="M4 4h8M4 8h8M4 12h5" stroke="#fff" stroke-width="2" stroke-linecap="round"/></svg>
        """

    private func asset(_ name: String) -> PortalResponse {
        switch name {
        case "portal.css": .asset(Stylesheet.text, type: "text/css; charset=utf-8")
        case "portal.js": .asset(Script.text, type: "text/javascript; charset=utf-8")
        case "favicon.svg": .asset(Self.favicon, type: "image/svg+xml")
        default: notFound("No such asset.")
        }
    }
}
