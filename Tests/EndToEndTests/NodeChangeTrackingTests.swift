import Foundation
import Testing

/// Change Tracking on PostgreSQL, through the binary: an embedded store's machines, snapshots
/// and changes copy over whole, and a scan a node runs diffs against the copied snapshot.
/// In the serialized node suite: one set of nodes at a time.
extension NodeFaultTests {
    @Test(.enabled(if: server != nil, skipNote), .timeLimit(.minutes(4)))
    func aScanOnANodeDiffsAgainstTheCopiedSnapshot() async throws {
        var contoso = ""
        let cluster = try Cluster(server: try #require(Self.server)) { cli in
            // The README's walkthrough on the embedded store, its account the default one (the
            // cluster's setup made another first): a baseline, then a change scanned.
            contoso = cli.store + "-contoso"
            try FileManager.default.copyItem(atPath: CLI.packageRoot + "/examples/contoso", toPath: contoso)
            for arguments in [
                ["apply", contoso + "/automation.yaml"], ["account", "set-default", "contoso-automation"],
                ["run", "enable-tracking"], ["run", "configure-tracking"], ["run", "scan"],
            ] {
                let result = try cli.run(arguments)
                try #require(result.status == 0, "\(arguments): \(result.stderr)")
            }
            try "127.0.0.1 localhost\n10.0.0.9 db\n".write(
                toFile: contoso + "/machines/contoso-lnx01/etc/hosts", atomically: false, encoding: .utf8)
            let scan = try cli.run("run", "scan")
            try #require(scan.status == 0 && scan.stdout.contains("1 change(s) recorded"), "\(scan.stdout)")
        }
        defer { cluster.tearDown() }
        let cli = cluster.cli
        for command in [["changes", "--json"], ["inventory", "--json"], ["machine", "list", "--json"]] {
            let embedded = try cli.run(command)
            let copied = try cli.run(command + ["--store", cluster.url])
            #expect(copied.status == 0, "\(copied.stderr)")
            #expect(
                try Self.json(copied.stdout) == Self.json(embedded.stdout), "\(command): \(copied.stdout.prefix(400))")
        }
        let changed = try Self.json(try cli.run("changes", "--json", "--store", cluster.url).stdout)
        #expect(changed.count >= 1, "the copy holds the change scanned on SQLite")

        // Drift after the copy: a node's scan finds exactly it, not the whole machine as Added.
        try "127.0.0.1 localhost\n10.0.0.10 db\n".write(
            toFile: contoso + "/machines/contoso-lnx01/etc/hosts", atomically: false, encoding: .utf8)
        try cluster.start("a")
        let id = try cluster.queue("scan")
        let ended = try await cluster.wait(seconds: 90) {
            try await cluster.count("SELECT COUNT(*) FROM job WHERE id = '\(id)' AND status = 'Completed'") == 1
        }
        try #require(ended, "\(cluster.log("a"))")
        let rows = try await cluster.column(
            "SELECT computer || ' ' || change_category || ' ' || item_key FROM configuration_change WHERE job_id = '\(id)'"
        )
        #expect(rows == ["contoso-lnx01 Modified /etc/hosts"], "\(rows)")
        let output = try cli.run("jobs", "output", id, "--store", cluster.url)
        #expect(output.stdout.contains("contoso-lnx01:") && output.stdout.contains("1 modified"), "\(output.stdout)")
        let history = try cli.run(
            "changes", "--machine", "contoso-lnx01", "--type", "Files", "--store", cluster.url, "--json")
        #expect(try Self.json(history.stdout).count == changed.count + 1, "\(history.stdout.prefix(400))")
        #expect(
            try await cluster.count("SELECT COUNT(*) FROM heartbeat WHERE computer = 'contoso-lnx01'") >= 3,
            "a heartbeat per scan: two copied, one from the node")

        // A machine registered straight into the database gets its baseline from a node.
        let tree = cli.store + "-web9"
        try FileManager.default.createDirectory(atPath: tree + "/etc", withIntermediateDirectories: true)
        try "127.0.0.1 web9\n".write(toFile: tree + "/etc/hosts", atomically: false, encoding: .utf8)
        let registered = try cli.run(
            "machine", "register", "web9", "--os", "Debian 12", "--source", "linux-root:\(tree)", "--standard-rules",
            "--store", cluster.url)
        #expect(registered.status == 0, "\(registered.stderr)")
        let enable = try cli.run("run", "enable-tracking", "-p", "machines=web9", "--store", cluster.url, "--json")
        try #require(enable.status == 0, "\(enable.stderr)")
        let enabling = try #require(
            (try JSONSerialization.jsonObject(with: Data(enable.stdout.utf8)) as? [String: Any])?["id"] as? String)
        let enabled = try await cluster.wait(seconds: 60) {
            try await cluster.count("SELECT COUNT(*) FROM job WHERE id = '\(enabling)' AND status = 'Completed'") == 1
        }
        try #require(enabled, "\(cluster.log("a"))")
        let baseline = try cluster.queue("scan")
        let scanned = try await cluster.wait(seconds: 90) {
            try await cluster.count("SELECT COUNT(*) FROM job WHERE id = '\(baseline)' AND status = 'Completed'") == 1
        }
        try #require(scanned, "\(cluster.log("a"))")
        let shown = try cli.run("machine", "show", "web9", "--store", cluster.url)
        #expect(shown.stdout.contains("ChangeTracking: enabled"), "\(shown.stdout)")
        let inventory = try Self.json(
            try cli.run("inventory", "--machine", "web9", "--store", cluster.url, "--json").stdout)
        #expect(!inventory.isEmpty, "web9's baseline is stored")
        #expect(try await cluster.runTwice().isEmpty)
    }

    static func json(_ text: String) throws -> [NSDictionary] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [NSDictionary])
    }
}
