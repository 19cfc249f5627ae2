import Foundation
import Testing

/// The portal's pages over a real `runbook serve`, read as a browser gets them: status codes,
/// security headers, cookie flags, escaping, CSRF and read-only refusals.
@Suite(.serialized) struct PortalEndToEndTests {
    static let csp =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        + "form-action 'self'"

    @Test func signInSetsAStrictHttpOnlyCookieAndEveryPageAnswers() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        _ = try cli.contosoBaseline()
        let server = try PortalServer.start(cli)
        defer { server.stop() }

        let root = try server.request("/")
        #expect(root.status == 302)
        #expect(root.header("location") == "/portal/")
        let anonymous = try server.request("/portal/machines")
        #expect(anonymous.status == 303)
        #expect(anonymous.header("location") == "/portal/signin")
        let signInPage = try server.request("/portal/signin")
        #expect(signInPage.status == 200)
        #expect(signInPage.header("content-security-policy") == Self.csp)
        #expect(signInPage.header("x-content-type-options") == "nosniff")
        #expect(!signInPage.body.contains("<script>"), "no inline script")
        #expect(!signInPage.body.contains("style="), "no inline style")

        let wrong = try server.postSignIn("rbk_nope_nope")
        #expect(wrong.status == 401)
        #expect(!wrong.headers("set-cookie").contains { $0.hasPrefix("runbook_session=") })

        let answer = try server.postSignIn(try server.token("portal"))
        #expect(answer.status == 303)
        let cookie = try #require(answer.header("set-cookie"))
        for flag in ["HttpOnly", "SameSite=Strict", "Path=/portal", "Max-Age="] {
            #expect(cookie.contains(flag), "cookie lacks \(flag): \(cookie)")
        }
        #expect(!cookie.contains("Secure"), "plain http on loopback: no Secure flag")
        let session = String(cookie.split(separator: ";")[0])

        for path in [
            "/portal/machines", "/portal/machines?all=1", "/portal/changes", "/portal/changes?range=24h&type=Files",
            "/portal/inventory", "/portal/inventory?type=Files", "/portal/tracking", "/portal/runbooks",
            "/portal/runbooks/scan", "/portal/jobs", "/portal/jobs?status=Completed", "/portal/schedules",
            "/portal/assets/portal.css", "/portal/assets/portal.js", "/portal/assets/favicon.svg",
        ] {
            let page = try server.request(path, cookie: session)
            #expect(page.status == 200, "\(path): \(page.status) \(page.body.prefix(300))")
            #expect(page.header("content-security-policy") == Self.csp, "\(path)")
        }
        let machines = try server.request("/portal/machines", cookie: session)
        for name in ["contoso-web01", "contoso-sql01", "contoso-lnx01"] { #expect(machines.body.contains(name)) }
        // Pages name their icon, so no browser asks for a missing /favicon.ico.
        #expect(machines.body.contains(#"<link rel="icon" href="/portal/assets/favicon.svg""#))
        let icon = try server.request("/portal/assets/favicon.svg", cookie: session)
        #expect(icon.header("content-type") == "image/svg+xml" && icon.body.hasPrefix("<svg"))
        let jobs = try server.request("/portal/jobs", cookie: session)
        #expect(jobs.body.contains("Completed"))
        // A job started from the command line says so, as `runbook jobs show` does.
        #expect(jobs.body.contains("<td>manual</td>"), "\(jobs.body.prefix(3000))")
        let missing = try server.request("/portal/nothing-here", cookie: session)
        #expect(missing.status == 404)
        // An error page keeps the sections' navigation.
        #expect(missing.body.contains(#"<nav aria-label="Sections">"#), "\(missing.body)")
        #expect(try server.request("/portal/changes/999999", cookie: session).status == 404)
        // The ARM API is where it was.
        #expect(try server.request("/healthz").status == 200)
    }

    @Test func hostileNamesAndParametersRenderAsText() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let copy = try cli.contosoBaseline()
        // A folder `<script>alert(1)<` holding `script>`: the item's path ends in the hostile name.
        let folder = copy + "/machines/contoso-lnx01/etc/nginx/<script>alert(1)<"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: folder + "/script>"))
        #expect(try cli.run("run", "scan").status == 0)
        let books = cli.store + "-books"
        try FileManager.default.createDirectory(atPath: books, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: books) }
        let runbook = books + "/quoted.yaml"
        try Data(
            """
            name: quoted
            parameters:
              greeting:
                type: string
                default: 'say "hi" <b>bold</b> & ''bye'''
              colour:
                type: string
                allowed: [red, "<i>blue</i>"]
                default: red
            steps:
              - name: say
                action: log
                with:
                  message: ${{ params.greeting }}
            """.utf8
        ).write(to: URL(fileURLWithPath: runbook))
        let published = try cli.run("publish", runbook)
        #expect(published.status == 0, "\(published.stderr)")
        let server = try PortalServer.start(cli)
        defer { server.stop() }
        let (cookie, csrf) = try server.signIn(try server.token("portal"))

        for path in ["/portal/changes", "/portal/inventory?type=Files&q=alert"] {
            let page = try server.request(path, cookie: cookie)
            #expect(page.status == 200)
            #expect(page.body.contains("/etc/nginx/&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path)")
            #expect(!page.body.contains("<script>alert"), "\(path) carries the raw name")
        }
        let changes = try server.request("/portal/changes?q=alert", cookie: cookie)
        let link = try #require(
            changes.body.range(of: #"/portal/changes/\d+"#, options: .regularExpression).map {
                String(changes.body[$0])
            })
        let detail = try server.request(link, cookie: cookie)
        #expect(detail.status == 200)
        #expect(detail.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!detail.body.contains("<script>alert"))

        // Logs: the KQL box's results escape what scans found; a query error shows where it is.
        func logs(_ query: String) throws -> PortalServer.Answer {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let encoded = query.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
            return try server.request("/portal/logs?timespan=1d&q=" + encoded, cookie: cookie)
        }
        let found = try logs("ConfigurationChange | where FileSystemPath contains \"alert\" | project FileSystemPath")
        #expect(found.status == 200)
        #expect(found.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(found.body)")
        #expect(!found.body.contains("<script>alert"))
        let wrong = try logs("ConfigurationChange | where FilePath == '<b>'")
        #expect(wrong.status == 400)
        #expect(wrong.body.contains("query:1:29: error: unknown column &#39;FilePath&#39;"), "\(wrong.body)")
        #expect(!wrong.body.contains("<b>"))

        let page = try server.request("/portal/runbooks/quoted", cookie: cookie)
        #expect(page.status == 200)
        #expect(page.body.contains("say &quot;hi&quot; &lt;b&gt;bold&lt;/b&gt; &amp; &#39;bye&#39;"), "\(page.body)")
        #expect(page.body.contains("&lt;i&gt;blue&lt;/i&gt;"))
        #expect(!page.body.contains("<b>bold") && !page.body.contains("<i>blue"))

        // A value outside the allowed ones: refused, the problem shown at its field, escaped.
        let refused = try server.request(
            "/portal/runbooks/quoted/start",
            form: [("csrf", csrf), ("p.greeting", "\"><img src=x>"), ("p.colour", "<u>green</u>")], cookie: cookie)
        #expect(refused.status == 400)
        #expect(refused.body.contains("&lt;u&gt;green&lt;/u&gt;"))
        #expect(refused.body.contains("&quot;&gt;&lt;img src=x&gt;"))
        #expect(!refused.body.contains("<img src=x>") && !refused.body.contains("<u>green"))

        // A value outside the allowed ones is said once, at its field: no stray banner.
        let outside = try server.request(
            "/portal/runbooks/quoted/start", form: [("csrf", csrf), ("p.colour", "blue")], cookie: cookie)
        #expect(outside.status == 400)
        #expect(outside.body.contains("is not one of"), "\(outside.body)")
        #expect(!outside.body.contains(#"<p class="error" role="alert">allowed"#), "\(outside.body)")

        let started = try server.request(
            "/portal/runbooks/quoted/start", form: [("csrf", csrf), ("p.colour", "red")], cookie: cookie)
        #expect(started.status == 303)
        #expect(started.header("location")?.hasPrefix("/portal/jobs/") == true)
    }

    @Test func formsWithoutTheSessionsCSRFTokenAreRefused() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        _ = try cli.contosoBaseline()
        let server = try PortalServer.start(cli)
        defer { server.stop() }
        let (cookie, csrf) = try server.signIn(try server.token("portal"))
        let form = [("machine", "contoso-web01"), ("solution", "Inventory")]

        let missing = try server.request("/portal/machines/enable", form: form, cookie: cookie)
        #expect(missing.status == 403)
        #expect(missing.body.contains("CSRF"))
        let wrong = try server.request("/portal/machines/enable", form: form + [("csrf", "forged")], cookie: cookie)
        #expect(wrong.status == 403)
        // Another session's token does not fit this one.
        let (_, other) = try server.signIn(try server.token("other"))
        #expect(
            try server.request("/portal/machines/enable", form: form + [("csrf", other)], cookie: cookie).status == 403)
        let noSession = try server.request("/portal/machines/enable", form: form + [("csrf", csrf)])
        #expect(noSession.status == 401)

        let done = try server.request("/portal/machines/enable", form: form + [("csrf", csrf)], cookie: cookie)
        #expect(done.status == 200, "\(done.body)")
        #expect(done.body.contains("contoso-web01") && done.body.contains("Enable Inventory"))
    }

    /// A job being stopped offers neither Stop nor Suspend again; a suspending one no Suspend.
    @Test func aStopOnItsWayDisablesStopAndSuspend() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let run = try cli.run("run", "enable-tracking", "--json")
        let id = try #require(
            (try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])?["id"] as? String)
        let server = try PortalServer.start(cli)
        defer { server.stop() }
        let (cookie, _) = try server.signIn(try server.token("ops"))
        func buttons(as status: String) throws -> (stop: Bool, suspend: Bool) {
            let sql = Process()
            sql.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            sql.arguments = [
                cli.store + "/automation.sqlite", "UPDATE job SET status = '\(status)' WHERE id = '\(id)'",
            ]
            try sql.run()
            sql.waitUntilExit()
            let page = try server.request("/portal/jobs/\(id)", cookie: cookie).body
            func enabled(_ button: String) -> Bool {
                page.range(of: "id=\"\(button)\"[^>]*disabled", options: .regularExpression) == nil
            }
            return (enabled("stop"), enabled("suspend"))
        }
        #expect(try buttons(as: "Running") == (true, true))
        #expect(try buttons(as: "Stopping") == (false, false))
        #expect(try buttons(as: "Suspending") == (true, false))
    }

    @Test func readOnlyTokensSeeDisabledButtonsAndAreRefused() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        _ = try cli.contosoBaseline()
        let server = try PortalServer.start(cli)
        defer { server.stop() }
        let (cookie, csrf) = try server.signIn(try server.token("watcher", role: "reader"))

        let machines = try server.request("/portal/machines", cookie: cookie)
        #expect(machines.body.contains(#"id="enable" disabled"#))
        let runbook = try server.request("/portal/runbooks/scan", cookie: cookie)
        #expect(runbook.body.contains(#"id="start" disabled"#))
        for (path, form) in [
            ("/portal/machines/enable", [("machine", "contoso-web01")]),
            ("/portal/runbooks/scan/start", []),
            ("/portal/tracking/remove", [("name", "linux-hosts")]),
        ] {
            let answer = try server.request(path, form: form + [("csrf", csrf)], cookie: cookie)
            #expect(answer.status == 403, "\(path)")
            #expect(answer.body.contains("read-only"))
        }
        // Nothing changed: the tracked item is still there, no job was started by the reader.
        let tracking = try server.request("/portal/tracking", cookie: cookie)
        #expect(tracking.body.contains("linux-hosts"))
        // Signing out needs no write right.
        let out = try server.request("/portal/signout", form: [("csrf", csrf)], cookie: cookie)
        #expect(out.status == 303)
        #expect(try server.request("/portal/machines", cookie: cookie).status == 303)
    }

    @Test func theCookieIsSecureUnderTLS() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        let server = try PortalServer.start(cli, tls: true)
        defer { server.stop() }
        #expect(server.url.hasPrefix("https://"))
        let answer = try server.postSignIn(try server.token("portal"))
        #expect(answer.status == 303)
        #expect(answer.header("set-cookie")?.contains("; Secure") == true)
    }

    @Test func trackingSettingsAndSchedulesChangeThroughTheirForms() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        _ = try cli.contosoBaseline()
        let created = try cli.run("schedule", "create", "hourly", "--frequency", "Hour", "--runbook", "scan")
        #expect(created.status == 0, "\(created.stderr)")
        let weekly = try cli.run(
            "schedule", "create", "mondays", "--frequency", "Week", "--week-days", "Mon", "--runbook", "scan")
        #expect(weekly.status == 0, "\(weekly.stderr)")
        let server = try PortalServer.start(cli)
        defer { server.stop() }
        let (cookie, csrf) = try server.signIn(try server.token("portal"))

        // The configure-tracking rules refuse a relative path, with their own words.
        let refused = try server.request(
            "/portal/tracking/save",
            form: [("csrf", csrf), ("kind", "file"), ("name", "app"), ("os", "linux"), ("path", "etc/app.conf")],
            cookie: cookie)
        #expect(refused.status == 400)
        #expect(refused.body.contains("file item &#39;app&#39;"), "\(refused.body)")
        let saved = try server.request(
            "/portal/tracking/save",
            form: [
                ("csrf", csrf), ("kind", "file"), ("name", "app"), ("os", "linux"), ("path", "/etc/app.conf"),
                ("enabled", "on"),
            ], cookie: cookie)
        #expect(saved.status == 303)
        #expect(try server.request("/portal/tracking", cookie: cookie).body.contains("/etc/app.conf"))
        let shown = try cli.run("tracking", "show")
        #expect(shown.stdout.contains("/etc/app.conf"), "the command line sees the portal's change")
        let edit = try server.request("/portal/tracking?edit=app", cookie: cookie)
        #expect(edit.body.contains(#"value="/etc/app.conf" required"#))
        #expect(edit.body.contains(#"name="original" value="app""#))
        // Saved under a new name, the item is renamed: one item, not two.
        let renamed = try server.request(
            "/portal/tracking/save",
            form: [
                ("csrf", csrf), ("kind", "file"), ("original", "app"), ("name", "app-config"), ("os", "linux"),
                ("path", "/etc/app.conf"), ("enabled", "on"), ("group", "Apps"),
            ], cookie: cookie)
        #expect(renamed.status == 303)
        let files = try cli.run("tracking", "show", "--json").stdout
        let names =
            ((try JSONSerialization.jsonObject(with: Data(files.utf8)) as? [String: Any])?["files"] as? [[String: Any]]
            ?? []).compactMap { $0["name"] as? String }
        #expect(names.contains("app-config") && !names.contains("app"), "\(names)")
        let page = try server.request("/portal/tracking?saved=app-config", cookie: cookie).body
        #expect(page.contains("<td>Apps</td>"))
        #expect(page.contains("Saved &#39;app-config&#39;.") || page.contains("Saved 'app-config'."))
        let removed = try server.request(
            "/portal/tracking/remove", form: [("csrf", csrf), ("name", "app-config")], cookie: cookie)
        #expect(removed.status == 303 && removed.header("location")?.contains("removed=app-config") == true)
        #expect(!(try server.request("/portal/tracking", cookie: cookie).body.contains("/etc/app.conf")))

        let schedules = try server.request("/portal/schedules", cookie: cookie)
        #expect(schedules.body.contains("hourly") && schedules.body.contains("<time datetime="))
        // Said as the command line says it.
        #expect(schedules.body.contains("weekly on Mon") && !schedules.body.contains("every 1 Week"))
        let disabled = try server.request(
            "/portal/schedules/hourly/disable", form: [("csrf", csrf)], cookie: cookie)
        #expect(disabled.status == 303)
        #expect(try cli.run("schedule", "show", "hourly").stdout.contains("none while disabled"))
        #expect(
            try server.request("/portal/schedules/nope/enable", form: [("csrf", csrf)], cookie: cookie).status == 404)
    }
}
