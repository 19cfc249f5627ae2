import Foundation
import Testing

@testable import Automation

@Suite struct RunbookLoaderTests {
    @Test(arguments: ["valid/full-featured.yaml", "valid/minimal.yaml"])
    func validFixturesLoad(_ file: String) throws {
        let loaded = try RunbookLoader.load(path: Fixtures.path(file), label: file)
        #expect(!loaded.runbook.steps.isEmpty)
        #expect(loaded.digest.count == 64)
    }

    @Test func fullFeaturedRunbookIsModelled() throws {
        let runbook = try RunbookLoader.load(path: Fixtures.path("valid/full-featured.yaml")).runbook
        #expect(runbook.logVerbose && runbook.logProgress)
        #expect(runbook.timeout == .seconds(3600))
        #expect(runbook.parameters.map(\.name) == ["machines", "solutions", "region", "attempts", "dryRun"])
        #expect(runbook.parameter(named: "region")?.required == true)
        #expect(runbook.parameter(named: "solutions")?.allowed == [.string("ChangeTracking"), .string("Inventory")])
        let enable = runbook.steps[1]
        #expect(enable.onError == .continue)
        #expect(enable.timeout == .seconds(900))
        #expect(enable.retry == RetryPolicy(attempts: 2, delay: .seconds(30)))
    }

    /// Each invalid file: the first diagnostic's line, column and message.
    @Test(arguments: [
        ("invalid/malformed.yaml", 6, 1, "found unexpected end of stream (while scanning a quoted scalar at 5:22)"),
        ("invalid/wrong-types.yaml", 2, 13, "'logVerbose' must be true or false, found a string"),
        ("invalid/unknown-keys.yaml", 2, 1, "unknown key 'descripton' in runbook (did you mean 'description'?)"),
        ("invalid/unknown-action.yaml", 4, 13, "unknown action 'enable-trackng' (did you mean 'enable-tracking'?)"),
        ("invalid/list-root.yaml", 1, 1, "a runbook is a mapping with 'name' and 'steps', but this file holds a list"),
        ("invalid/empty.yaml", 1, 1, "file is empty; a runbook is a mapping with 'name' and 'steps'"),
        (
            "invalid/bad-input.yaml", 6, 35,
            "an element of input 'solutions': 'Inventori' is not one of ChangeTracking, Inventory (did you mean 'Inventory'?)"
        ),
        (
            "loader-only/undefined-param.yaml", 8, 26,
            "undefined parameter 'machnes' in ${{ params.machnes }} (did you mean 'machines'?)"
        ),
        (
            "loader-only/billion-laughs.yaml", 7, 10,
            "aliases expand to more than 100000 nodes (possible billion-laughs document)"
        ),
        ("loader-only/duplicate-key.yaml", 6, 1, "duplicate key 'steps' (first defined at 2:1)"),
        (
            "loader-only/name-mismatch.yaml", 1, 7,
            "runbook name 'another-name' does not match its file name 'name-mismatch.yaml'"
        ),
    ])
    func invalidFixtureIsLocated(_ file: String, _ line: Int, _ column: Int, _ message: String) throws {
        let error = #expect(throws: DiagnosticError.self) {
            try RunbookLoader.load(path: Fixtures.path(file), label: file)
        }
        let first = try #require(error?.diagnostics.first)
        #expect(first.file == file)
        #expect(first.mark.line == line)
        #expect(first.mark.column == column)
        #expect(first.message == message)
        #expect(first.description == "\(file):\(line):\(column): error: \(message)")
    }

    @Test func everyProblemIsReportedInOnePass() throws {
        let error = #expect(throws: DiagnosticError.self) {
            try RunbookLoader.load(path: Fixtures.path("invalid/wrong-types.yaml"))
        }
        #expect(error?.diagnostics.map(\.mark.line) == [2, 4, 8])
    }

    @Test func onErrorChoosesWhatAFailedStepDoes() throws {
        func load(_ step: String) throws -> Runbook {
            try RunbookLoader.load(
                content: "name: r\nsteps:\n  - name: s\n    action: log\n    with: { message: hi }\n\(step)",
                label: "r.yaml"
            ).runbook
        }
        #expect(try load("    onError: suspend").steps[0].onError == .suspend)
        #expect(try load("    continueOnError: true").steps[0].onError == .continue)
        #expect(try load("    onError: continue\n    continueOnError: true").steps[0].onError == .continue)
        #expect(try load("").steps[0].onError == .fail)
        let unknown = #expect(throws: DiagnosticError.self) { try load("    onError: pause") }
        #expect(
            unknown?.description
                == "r.yaml:6:14: error: unknown 'onError' of step 's' 'pause'; expected one of: fail, continue, suspend"
        )
        let conflict = #expect(throws: DiagnosticError.self) {
            try load("    onError: suspend\n    continueOnError: true")
        }
        #expect(conflict?.diagnostics.first?.mark == .init(line: 6, column: 14))
        #expect(conflict?.diagnostics.first?.message.contains("disagree") == true)
    }

    /// `runOn` on a step: a group name, checked where it is written; the runbook then places
    /// its steps (a step without it runs on the service's nodes).
    @Test func aStepsRunOnNamesAGroup() throws {
        func load(_ step: String) throws -> Runbook {
            try RunbookLoader.load(
                content: "name: r\nsteps:\n  - name: s\n    action: log\n    with: { message: hi }\n\(step)",
                label: "r.yaml"
            ).runbook
        }
        let placed = try load("    runOn: linux-workers")
        #expect(placed.steps[0].runOn == "linux-workers" && placed.placesSteps)
        #expect(try !load("").placesSteps)
        let bad = #expect(throws: DiagnosticError.self) { try load("    runOn: no such/group") }
        #expect(bad?.diagnostics.first?.mark == .init(line: 6, column: 12))
        #expect(bad?.description.contains("contains a path separator") == true, "\(bad?.description ?? "")")
        let notText = #expect(throws: DiagnosticError.self) { try load("    runOn: [a, b]") }
        #expect(notText?.diagnostics.first?.mark == .init(line: 6, column: 12))
    }

    @Test func tenThousandLevelNestingIsRefused() throws {
        let folder = try TemporaryFolder()
        let depth = 10_000
        let text = "name: deep\nsteps: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        try text.write(toFile: folder.file("deep.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: DiagnosticError.self) { try RunbookLoader.load(path: folder.file("deep.yaml")) }
        #expect(error?.diagnostics.first?.message == "nesting is deeper than 64 levels")
        #expect(error?.diagnostics.first?.mark == .init(line: 2, column: 71))
    }

    @Test func fiftyMegabyteFileIsRefusedWithoutReadingIt() throws {
        let folder = try TemporaryFolder()
        let path = folder.file("huge.yaml")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 50 * 1024 * 1024)
        try handle.close()
        let error = #expect(throws: DiagnosticError.self) { try RunbookLoader.load(path: path, label: "huge.yaml") }
        #expect(error?.description == "huge.yaml:1:1: error: file is 52428800 bytes; the limit is 1048576 bytes")
    }

    @Test func invalidUTF8IsLocated() throws {
        let folder = try TemporaryFolder()
        var bytes = Array("name: bad\nsteps:\n  - name: x\n    action: log\n    with: { message: \"".utf8)
        bytes += [0xC3, 0x28, 0x22, 0x7D, 0x0A]
        try Data(bytes).write(to: URL(fileURLWithPath: folder.file("bad.yaml")))
        let error = #expect(throws: DiagnosticError.self) {
            try RunbookLoader.load(path: folder.file("bad.yaml"), label: "bad.yaml")
        }
        let first = try #require(error?.diagnostics.first)
        // libyaml points at the offending trailing byte: the one after the 0xC3 lead byte at column 23.
        #expect(first.mark == .init(line: 5, column: 24))
        #expect(first.message.contains("invalid trailing UTF-8 octet"))
    }

    @Test func missingFileIsReported() {
        let error = #expect(throws: DiagnosticError.self) { try RunbookLoader.load(path: "/nonexistent/x.yaml") }
        #expect(error?.diagnostics.first?.message == "cannot read file: no such file or directory")
    }

    @Test func wholeValueReferenceKeepsTheParameterType() throws {
        let runbook = try RunbookLoader.load(path: Fixtures.path("valid/full-featured.yaml")).runbook
        let bound = try ParameterValues.bind(["region": "eastus2", "machines": "a,b"], to: runbook).get()
        let enable = runbook.steps[1]
        let targets = try #require(enable.inputs.first { $0.key == "targets" }?.value.resolve(bound))
        #expect(targets["machines"] == .list([.string("a"), .string("b")]))
        let message = runbook.steps[0].inputs[0].value.resolve(bound)
        #expect(message == .string("Working in eastus2 on [a, b]"))
    }
}

/// A runbook name is a file stem in the runbooks folder, never a path out of it.
@Suite struct RunbookLibraryNameTests {
    @Test(arguments: ["../runbooks/scan", "../scan", "/etc/passwd", "..", ".", "", "a\u{0}b"])
    func namesThatAreNotStemsAreNotFound(_ name: String) throws {
        let library = RunbookLibrary(folder: Fixtures.packageRoot + "/runbooks")
        #expect(throws: RunbookLibrary.LibraryError.self) { try library.load(name) }
    }

    @Test func aStemLoads() throws {
        let library = RunbookLibrary(folder: Fixtures.packageRoot + "/runbooks")
        #expect(try library.load("scan").runbook.name == "scan")
    }
}
