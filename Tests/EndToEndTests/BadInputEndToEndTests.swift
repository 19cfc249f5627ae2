import Automation
import AutomationStore
import Foundation
import Testing

/// Every bad input: a precise, located message, a non-zero exit, and a store left as it was.
@Suite(.serialized) struct BadInputEndToEndTests {
    static let fixtures = "Tests/AutomationTests/Fixtures/"

    /// A store holding one completed job, to check that bad input leaves it untouched.
    func seededCLI() throws -> CLI {
        let cli = CLI()
        let seed = try cli.run("run", "enable-tracking")
        #expect(seed.status == 0)
        return cli
    }

    func expectUntouched(_ cli: CLI) throws {
        let store = try AutomationStore.open(folder: cli.store)
        #expect(try store.jobCount() == 1)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test(arguments: [
        ("invalid/malformed.yaml", "6:1: error: found unexpected end of stream"),
        ("invalid/wrong-types.yaml", "2:13: error: 'logVerbose' must be true or false, found a string"),
        ("invalid/unknown-keys.yaml", "2:1: error: unknown key 'descripton' in runbook (did you mean 'description'?)"),
        (
            "invalid/unknown-action.yaml",
            "4:13: error: unknown action 'enable-trackng' (did you mean 'enable-tracking'?)"
        ),
        (
            "invalid/list-root.yaml",
            "1:1: error: a runbook is a mapping with 'name' and 'steps', but this file holds a list"
        ),
        ("invalid/empty.yaml", "1:1: error: file is empty"),
        ("loader-only/undefined-param.yaml", "8:26: error: undefined parameter 'machnes'"),
        ("loader-only/billion-laughs.yaml", "7:10: error: aliases expand to more than 100000 nodes"),
    ])
    func invalidRunbookIsRefusedAndNothingIsRecorded(_ file: String, _ expected: String) throws {
        let cli = try seededCLI()
        defer { cli.cleanUp() }
        let result = try cli.run("run", Self.fixtures + file)
        #expect(result.status == 65)
        #expect(result.stderr.contains(Self.fixtures + file + ":" + expected))
        #expect(result.stdout.isEmpty)
        try expectUntouched(cli)
    }

    @Test func generatedHostileFilesAreRefused() throws {
        let cli = try seededCLI()
        defer { cli.cleanUp() }
        let folder = cli.store + "-files"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }

        let deep = folder + "/deep.yaml"
        try ("name: deep\nsteps: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000))
            .write(toFile: deep, atomically: true, encoding: .utf8)
        let huge = folder + "/huge.yaml"
        _ = FileManager.default.createFile(atPath: huge, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: 50 * 1024 * 1024)
        try handle.close()
        let binary = folder + "/binary.yaml"
        try Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: binary))

        for (path, expected) in [
            (deep, "deep.yaml:2:71: error: nesting is deeper than 64 levels"),
            (huge, "huge.yaml:1:1: error: file is 52428800 bytes; the limit is 1048576 bytes"),
            (binary, "binary.yaml:1:7: error: invalid leading UTF-8 octet"),
        ] {
            let result = try cli.run("run", path)
            #expect(result.status == 65)
            #expect(result.stderr.contains(expected), "\(result.stderr)")
        }
        try expectUntouched(cli)
    }

    @Test func parameterProblemsExit65WithoutAJob() throws {
        let cli = try seededCLI()
        defer { cli.cleanUp() }
        let wrongValue = try cli.run("run", "enable-tracking", "-p", "solutions=Patching")
        #expect(wrongValue.status == 65)
        #expect(
            wrongValue.stderr
                == "error: parameter 'solutions': 'Patching' is not one of ChangeTracking, Inventory\n")
        let unknown = try cli.run("run", "enable-tracking", "-p", "machnes=a")
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("has no parameter 'machnes' (did you mean 'machines'?)"))
        let missingRequired = try cli.run("run", Self.fixtures + "valid/full-featured.yaml")
        #expect(missingRequired.status == 65)
        #expect(missingRequired.stderr.contains("missing required parameter 'region' (pass -p region=VALUE)"))
        let wrongType = try cli.run(
            "run", Self.fixtures + "valid/full-featured.yaml", "-p", "region=x", "-p", "attempts=many")
        #expect(wrongType.status == 65)
        #expect(wrongType.stderr.contains("parameter 'attempts' must be of type int, found 'many'"))
        let missingRunbook = try cli.run("run", "enable-trackin")
        #expect(missingRunbook.status == 65)
        #expect(
            missingRunbook.stderr.contains(
                "no runbook 'enable-trackin': not in runbooks/ and not published (did you mean 'enable-tracking'?)"
            ))
        try expectUntouched(cli)
    }

    @Test func usageErrorsExit64() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try cli.run("run", "enable-tracking", "-p", "novalue")
        #expect(result.status == 64)
        #expect(result.stderr.contains("parameter 'novalue' is not NAME=VALUE"))
        let os = try cli.run("machine", "register", "m", "--os", "Windows Server 2008", "--source", "local")
        #expect(os.status == 64)
        #expect(os.stderr.contains("operating system 'Windows Server 2008' is not supported"))
        #expect(os.stderr.contains("supported versions of Windows Server: Windows Server 2025"))
    }

    @Test func accountRulesAreEnforcedByInit() throws {
        let cli = try seededCLI()
        defer { cli.cleanUp() }
        let pair = try cli.run(
            "init", "--account", "a", "--subscription", "11111111-1111-1111-1111-111111111111", "--resource-group", "g",
            "--region", "WestUS",
            "--workspace", "w", "--workspace-region", "EastUS")
        #expect(pair.status == 65)
        #expect(
            pair.stderr.contains(
                "a workspace in EastUS cannot be linked to an Automation account in WestUS; a workspace in EastUS links to an account in EastUS2"
            ))
        let subscriptions = try cli.run(
            "init", "--account", "a", "--subscription", "11111111-1111-1111-1111-111111111111", "--resource-group", "g",
            "--region", "EastUS2",
            "--workspace", "w", "--workspace-region", "EastUS", "--workspace-subscription",
            "22222222-2222-2222-2222-222222222222")
        #expect(subscriptions.status == 65)
        #expect(subscriptions.stderr.contains("an account links only to a workspace in its own subscription"))
        let accounts = try AutomationStore.open(folder: cli.store).accounts()
        #expect(accounts.map(\.account.name) == ["automation-default"])
        try expectUntouched(cli)
    }

    @Test func badAutomationFileAppliesNothing() throws {
        let cli = try seededCLI()
        defer { cli.cleanUp() }
        let file = cli.store + "-fleet.yaml"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try """
        workspace: { name: w, subscription: 11111111-1111-1111-1111-111111111111, resourceGroup: g, region: EastUS }
        account: { name: a, subscription: 11111111-1111-1111-1111-111111111111, resourceGroup: g, region: EastUS2 }
        machines:
          - name: old
            os: Windows Server 2003
            source: local
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try cli.run("apply", file)
        #expect(result.status == 65)
        #expect(
            result.stderr.contains("fleet.yaml:5:9: error: operating system 'Windows Server 2003' is not supported"))
        let store = try AutomationStore.open(folder: cli.store)
        #expect(try store.account(named: "a") == nil)
        #expect(try store.machine(named: "old") == nil)
        try expectUntouched(cli)
    }

    @Test func validateReportsEveryFileAndProblem() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try cli.run("validate", Self.fixtures + "invalid", Self.fixtures + "valid")
        #expect(result.status == 65)
        #expect(result.stdout == "9 runbooks checked: 2 valid, 7 invalid (13 problems)\n")
        let shipped = try cli.run("validate")
        #expect(shipped.status == 0)
        #expect(!FileManager.default.fileExists(atPath: cli.store))  // validate never touches the store
    }
}
