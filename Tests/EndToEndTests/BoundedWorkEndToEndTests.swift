import Foundation
import PostgresNIO
import Testing

@testable import PostgresStore

/// Issue 20 through the binary: `serve` that cannot listen, read-only commands on a PostgreSQL
/// schema without a store, the store's file modes, and the query limits on the command line.
@Suite struct BoundedWorkEndToEndTests {
    @Test func serveSaysAtOnceWhyItCannotListen() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("init").status == 0)
        let first = try PortalServer.start(cli)
        defer { first.stop() }
        let port = String(first.url.split(separator: ":").last ?? "")
        let busy = try cli.run("serve", "--port", port)
        #expect(busy.status == 69)
        #expect(busy.stderr.contains("port \(port) is in use"), "\(busy.stderr)")
        #expect(!busy.stdout.contains("Serving"))
        let dotted = try cli.run("serve", "--address", "127.0.0.1.", "--port", "0")
        #expect(dotted.status == 64)
        #expect(dotted.stderr.contains("is not an IP address"), "\(dotted.stderr)")
        let foreign = try cli.run("serve", "--address", "192.0.2.1", "--port", "0", "--tls-self-signed")
        #expect(foreign.status == 69)
        #expect(foreign.stderr.contains("this host has no address 192.0.2.1"), "\(foreign.stderr)")
        // No node row was left by the refused servers: only the running one is listed.
        let nodes = try cli.run("nodes", "list", "--json")
        let listed = try JSONSerialization.jsonObject(with: Data(nodes.stdout.utf8)) as? [[String: Any]]
        #expect(listed?.count == 1, "\(nodes.stdout)")
    }

    @Test func theStoreIsTheOwnersAloneWhateverTheUmask() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let process = cli.process(["init"])
        // Through a shell whose umask lets everyone read: the store must not.
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "umask 000 && exec \"$0\" init", CLI.binary]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let folder = try FileManager.default.attributesOfItem(atPath: cli.store)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
        for name in try FileManager.default.contentsOfDirectory(atPath: cli.store) where name.hasPrefix("automation") {
            let file = try FileManager.default.attributesOfItem(atPath: cli.store + "/" + name)
            #expect((file[.posixPermissions] as? Int).map { $0 & 0o077 } == 0, "\(name) is readable by others")
        }
    }

    @Test(.enabled(if: PostgresStoreEndToEndTests.serverURL != nil, PostgresStoreEndToEndTests.skipNote))
    func readOnlyCommandsRefuseASchemaWithoutAStoreAndCreateNothing() async throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let url = try PostgresStoreEndToEndTests.freshURL()
        for arguments in [["jobs", "list"], ["runbooks", "list"], ["schedule", "list"], ["token", "list"]] {
            let result = try cli.run(arguments + ["--store", url])
            #expect(result.status == 66, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("holds no runbook store"), "\(arguments): \(result.stderr)")
        }
        // Nothing was created: a writer on the same URL still finds it new.
        let created = try cli.run("init", "--store", url)
        #expect(created.status == 0, "\(created.stderr)")
        for system in ["information_schema", "pg_catalog", "pg_toast"] {
            let base = try #require(PostgresStoreEndToEndTests.serverURL)
            let result = try cli.run("init", "--store", base + "?schema=" + system)
            #expect(result.status == 64, "\(system): \(result.stderr)")
            #expect(result.stderr.contains("is PostgreSQL's own"), "\(result.stderr)")
        }
    }

    @Test func theCommandLinesQueriesHaveTheSameLimits() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        #expect(try cli.run("run", "enable-tracking").status == 0)
        #expect(try cli.run("run", "scan").status == 0)
        let heavy = try cli.run(
            "query", "--timeout", "2",
            #"Heartbeat | take 1 | extend a="eeeeeeeeee" | extend b=replace_string(a,"e",a) | extend c=replace_string(b,"e",b) | extend d=replace_string(c,"e",b) | where d matches regex "e{0,1000}x" | count"#
        )
        #expect(heavy.stderr.contains("ran past its time limit of 2 s"), "\(heavy.stderr)")
        let big = try cli.run(
            "query", #"Heartbeat | extend a="ab""# + String(repeating: " | extend a=strcat(a,a)", count: 40))
        #expect(big.status == 65)
        #expect(big.stderr.contains("1 MiB, the limit on one value"), "\(big.stderr)")
    }
}
