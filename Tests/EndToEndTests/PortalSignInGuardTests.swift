import Foundation
import Testing

/// Login CSRF and session flooding (issue 20, H and G), against a real `runbook serve`.
@Suite(.serialized) struct PortalSignInGuardTests {
    @Test func aSignInFromAnotherSiteOrWithoutThePagesTokenIsRefused() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        let server = try PortalServer.start(cli)
        defer { server.stop() }
        let token = try server.token("portal")

        // No pre-session token (a form posted from anywhere but the sign-in page): refused,
        // and no session cookie.
        let bare = try server.request("/portal/signin", form: [("token", token)])
        #expect(bare.status == 403)
        #expect(bare.body.contains("security token"))
        #expect(!bare.headers("set-cookie").contains { $0.hasPrefix("runbook_session=") })

        // A foreign Origin: refused even with the token pair.
        let foreign = try server.postSignIn(token, headers: ["Origin: https://evil.example"])
        #expect(foreign.status == 403)
        #expect(!foreign.headers("set-cookie").contains { $0.hasPrefix("runbook_session=") })
        let foreignReferer = try server.postSignIn(token, headers: ["Referer: https://evil.example/page"])
        #expect(foreignReferer.status == 403)

        // This server's own Origin: signed in.
        let host = String(server.url.dropFirst("http://".count))
        let own = try server.postSignIn(token, headers: ["Origin: http://\(host)"])
        #expect(own.status == 303)
        #expect(own.headers("set-cookie").contains { $0.hasPrefix("runbook_session=") })
    }

    @Test func signingInOverAndOverWithOneTokenNeverSignsOutAnotherToken() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        let server = try PortalServer.start(cli)
        defer { server.stop() }
        let (victim, _) = try server.signIn(try server.token("contributor"))
        let flooder = try server.token("flooder", role: "reader")
        let (first, _) = try server.signIn(flooder)
        for _ in 0..<25 { _ = try server.signIn(flooder) }
        // The flooder's own oldest session went; the victim's stays.
        #expect(try server.request("/portal/machines", cookie: first).status == 303)
        #expect(try server.request("/portal/machines", cookie: victim).status == 200)
    }
}
