import Foundation
import Testing

/// Change Tracking on PostgreSQL, through the binary: an embedded store's machines, snapshots
/// and changes copy over whole, and a scan a node runs diffs against the copied snapshot.
/// In the serialized node suite: one set of nodes at a time.
extension NodeFaultTests {
    @Test(.enabled(if: server != nil, skipNote), .timeLimit(.minutes(4)))
    func aScanOnANodeDiffsAgainstTheCopiedSnapshot() async throws {
        let (cluster, contoso) = try Self.contosoCluster()
        defer {
            cluster.tearDown()
            for folder in ["-contoso", "-web9", "-reports"] {
                try? FileManager.default.removeItem(atPath: cluster.cli.store + folder)
            }
        }
        let cli = cluster.cli
        // The same answers from either store, KQL included (it runs over a snapshot of the
        // database's rows, read within the query's timespan).
        let queries = [
            "ConfigurationChange | project TimeGenerated, Computer, FileSystemPath, ChangeCategory, FieldsChanged",
            "ConfigurationData | summarize count() by Computer, ConfigDataType | order by Computer asc, ConfigDataType asc",
            "ConfigurationData | where ConfigDataType == 'Software' | project Computer, SoftwareName, CurrentVersion",
            "Heartbeat | summarize arg_max(TimeGenerated, *) by Computer | project Computer, OSType, Solutions",
            "AzureDiagnostics | where Category == 'JobLogs' | summarize count() by ResultType | order by ResultType asc",
            "ConfigurationChange | join kind=inner (Heartbeat | distinct Computer) on Computer | count",
        ]
        let commands =
            [["changes", "--json"], ["inventory", "--json"], ["machine", "list", "--json"]]
            + queries.map { ["query", $0, "--json"] } + [["query", "--timespan", "1h", "Heartbeat | count", "--json"]]
        for command in commands {
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

        // A step's KQL query runs on the node too, over the database's rows.
        let reports = cli.store + "-reports"
        try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        let report = reports + "/report.yaml"
        try """
        name: report
        steps:
          - name: report
            action: report-changes
            with:
              since: 1d
              query: "ConfigurationChange | where FileSystemPath == '/etc/hosts' | project Computer, ChangeCategory"
        """.write(toFile: report, atomically: false, encoding: .utf8)
        let reported = try Self.queue(cli, [report], cluster)
        let reportEnded = try await cluster.wait(seconds: 60) {
            try await cluster.count("SELECT COUNT(*) FROM job WHERE id = '\(reported)' AND status = 'Completed'") == 1
        }
        try #require(reportEnded, "\(cluster.log("a"))")
        let reportOutput = try cli.run("jobs", "output", reported, "--store", cluster.url)
        #expect(
            reportOutput.stdout.contains("Computer=contoso-lnx01, ChangeCategory=Modified"), "\(reportOutput.stdout)")

        // A machine registered straight into the database gets its baseline from a node.
        let tree = cli.store + "-web9"
        try FileManager.default.createDirectory(atPath: tree + "/etc", withIntermediateDirectories: true)
        try "127.0.0.1 web9\n".write(toFile: tree + "/etc/hosts", atomically: false, encoding: .utf8)
        let registered = try cli.run(
            "machine", "register", "web9", "--os", "Debian 12", "--source", "linux-root:\(tree)", "--standard-rules",
            "--store", cluster.url)
        #expect(registered.status == 0, "\(registered.stderr)")
        let enabling = try Self.queue(cli, ["enable-tracking", "-p", "machines=web9"], cluster)
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

    /// A cluster whose database holds the README's walkthrough, copied from the embedded store
    /// (its account the default one: the cluster's setup made another first): a baseline, then
    /// a change to /etc/hosts scanned. Returns the cluster and the machines' folder.
    static func contosoCluster() throws -> (Cluster, String) {
        var contoso = ""
        let cluster = try Cluster(server: try #require(server)) { cli in
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
        return (cluster, contoso)
    }

    /// The portal on a PostgreSQL node: every page answers, with the database's machines,
    /// changes, inventory and settings.
    @Test(.enabled(if: server != nil, skipNote), .timeLimit(.minutes(3)))
    func thePortalsPagesAnswerOnANode() async throws {
        let (cluster, _) = try Self.contosoCluster()
        defer {
            cluster.tearDown()
            try? FileManager.default.removeItem(atPath: cluster.cli.store + "-contoso")
        }
        let made = try cluster.cli.run("token", "create", "portal", "--json", "--store", cluster.url)
        let token = try #require(
            (try JSONSerialization.jsonObject(with: Data(made.stdout.utf8)) as? [String: Any])?["token"] as? String)
        let server = try PortalServer.start(
            cluster.cli, options: ["--store", cluster.url, "--node", "portal", "--lease", "3"])
        defer { server.stop() }
        let (cookie, _) = try server.signIn(token)
        let changeId = try #require(try await cluster.column("SELECT id::text FROM configuration_change").first)
        for path in [
            "/portal/machines", "/portal/machines?all=1", "/portal/changes", "/portal/changes?range=24h&type=Files",
            "/portal/changes?q=HOSTS", "/portal/changes/\(changeId)", "/portal/inventory",
            "/portal/inventory?type=Files", "/portal/tracking", "/portal/runbooks", "/portal/jobs", "/portal/schedules",
        ] {
            let page = try server.request(path, cookie: cookie)
            #expect(page.status == 200, "\(path): \(page.status) \(page.body.prefix(300))")
        }
        let machines = try server.request("/portal/machines?all=1", cookie: cookie)
        for name in ["contoso-web01", "contoso-sql01", "contoso-lnx01"] {
            #expect(machines.body.contains(name), "\(name)")
        }
        #expect(try server.request("/portal/changes", cookie: cookie).body.contains("/etc/hosts"))
        #expect(try server.request("/portal/changes?q=HOSTS", cookie: cookie).body.contains("/etc/hosts"))
        #expect(try server.request("/portal/inventory?type=Files", cookie: cookie).body.contains("/etc/hosts"))
        #expect(try server.request("/portal/changes/999999", cookie: cookie).status == 404)
    }

    /// Queues `runbook run ARGUMENTS` on the cluster's database; returns the job's id.
    static func queue(_ cli: CLI, _ arguments: [String], _ cluster: Cluster) throws -> String {
        let result = try cli.run(["run"] + arguments + ["--store", cluster.url, "--json"])
        try #require(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return try #require(object?["id"] as? String)
    }

    static func json(_ text: String) throws -> [NSDictionary] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [NSDictionary])
    }
}
