import Foundation
import Testing

/// `runbook token` with the real binary: the token is printed once, never listed, and bad
/// names change nothing.
@Suite struct TokenEndToEndTests {
    static func tokenText(in output: String) -> String? {
        output.split(separator: "\n").map(String.init).first { $0.hasPrefix("rbk_") }
    }

    @Test func createPrintsTheTokenOnceAndListNeverShowsIt() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let created = try cli.run("token", "create", "ci", "--expires", "90d")
        #expect(created.status == 0, "\(created.stderr)")
        let token = try #require(Self.tokenText(in: created.stdout), "\(created.stdout)")
        #expect(token.count == 60)
        #expect(created.stderr.contains("cannot be shown again"))
        let secret = String(token.split(separator: "_", maxSplits: 2)[2])

        let reader = try cli.run("token", "create", "board", "--role", "reader", "--json")
        #expect(reader.status == 0, "\(reader.stderr)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(reader.stdout.utf8)) as? [String: Any])
        #expect(document["role"] as? String == "reader")
        #expect(document["expiresAt"] is NSNull)
        #expect((document["token"] as? String)?.hasPrefix("rbk_") == true)

        for arguments in [["token", "list"], ["token", "list", "--json"]] {
            let listed = try cli.run(arguments)
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stdout.contains("ci") && listed.stdout.contains("board"))
            #expect(!listed.stdout.contains(secret) && !listed.stdout.contains("rbk_"), "\(listed.stdout)")
        }
        let table = try cli.run("token", "list").stdout
        #expect(table.hasPrefix("NAME"))
        #expect(table.contains("LAST USED"))
        #expect(table.contains("active"))

        let again = try cli.run("token", "create", "ci")
        #expect(again.status == 1)
        #expect(again.stderr.contains("a token named 'ci' already exists"))
        #expect(Self.tokenText(in: again.stdout) == nil)

        let database = try Data(contentsOf: URL(fileURLWithPath: cli.store + "/automation.sqlite"))
        #expect(database.range(of: Data(secret.utf8)) == nil)
    }

    @Test func revokeMarksTheTokenAndUnknownNamesAreSuggested() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("token", "create", "deploy").status == 0)
        let revoked = try cli.run("token", "revoke", "deploy")
        #expect(revoked.status == 0, "\(revoked.stderr)")
        #expect(revoked.stdout.contains("Revoked token 'deploy'"))
        #expect(try cli.run("token", "list").stdout.contains("revoked"))
        let unknown = try cli.run("token", "revoke", "deplyo")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no token named 'deplyo' (did you mean 'deploy'?)"))
    }

    @Test(arguments: ["", "a/b", "tab\there", "esc\u{1B}[31m", "..", " padded"])
    func badNamesAreRefused(name: String) throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try cli.run("token", "create", name)
        #expect(result.status == 64 || result.status == 65, "\(result.status): \(result.stderr)")
        #expect(result.stderr.contains("token name"), "\(result.stderr)")
        #expect(!result.stderr.contains("\u{1B}"))
        #expect(Self.tokenText(in: result.stdout) == nil)
    }

    @Test(arguments: ["0d", "soon", "3651d"])
    func badLifetimesAreRefused(expires: String) throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try cli.run("token", "create", "ci", "--expires", expires)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("--expires"))
    }

    @Test func listWithoutAStoreIsNoInput() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("token", "list").status == 66)
    }
}
