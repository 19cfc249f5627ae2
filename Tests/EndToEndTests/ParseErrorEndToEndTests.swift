import Foundation
import Testing

/// Findings after issue 8 (F4): ArgumentParser printed its own parse errors, quoting the bad
/// argument raw, so `--status $'n\e[2J'` cleared the screen. `RunbookCommand.main` escapes them.
@Suite struct ParseErrorEndToEndTests {
    @Test func aParseErrorQuotingAnEscapeIsPrintedEscaped() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try cli.run("jobs", "list", "--status", "n\u{1B}[2J")
        #expect(result.status == 64)
        #expect(!result.stderr.contains("\u{1B}"))
        #expect(result.stderr.contains("unknown status 'n\\u{1B}[2J'"))
        #expect(result.stderr.contains("Usage: runbook jobs list"))
        #expect(result.stdout.isEmpty)
    }

    @Test func anUnknownOptionWithAnEscapeIsPrintedEscaped() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let result = try cli.run("validate", "--\u{1B}]0;pwned\u{07}")
        #expect(result.status == 64)
        #expect(!result.stderr.contains("\u{1B}"))
        #expect(!result.stderr.contains("\u{07}"))
        #expect(result.stderr.contains("\\u{1B}]0;pwned\\u{7}"))
    }

    /// Clean exits are ArgumentParser's, unchanged: on stdout, exit 0.
    @Test func helpVersionAndCompletionAreUnchanged() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let version = try cli.run("--version")
        #expect(version.status == 0)
        #expect(version.stdout == "0.1.0\n")
        let help = try cli.run("jobs", "--help")
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: runbook jobs"))
        #expect(help.stderr.isEmpty)
        let completion = try cli.run("--generate-completion-script", "bash")
        #expect(completion.status == 0)
        #expect(completion.stdout.contains("_runbook()"))
        let noSubcommand = try cli.run("nosuch")
        #expect(noSubcommand.status == 64)
    }
}
