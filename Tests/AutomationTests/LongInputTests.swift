import Foundation
import Testing

@testable import Automation

/// Findings after issue 8 (F1): "did you mean" hints once cost the word's length times each
/// candidate's length for every candidate; a 900,000-character value took seconds to minutes.
@Suite struct LongInputTests {
    static let huge = String(repeating: "x", count: 900_000)

    func automationFileDiagnostics(_ text: String) -> [Diagnostic] {
        do {
            _ = try AutomationFile.parse(Array(text.utf8), label: "fleet.yaml", baseFolder: "/")
            return []
        } catch {
            return error.diagnostics
        }
    }

    func runbookDiagnostics(_ text: String) -> [Diagnostic] {
        do {
            _ = try RunbookLoader.parse(Array(text.utf8), label: "t.yaml")
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aHugeUnknownRegionIsRefusedWithoutAHint() throws {
        let diagnostics = automationFileDiagnostics(
            "workspace: { name: w, subscription: 11111111-1111-1111-1111-111111111111, resourceGroup: g, region: \(Self.huge) }\n"
        )
        let message = try #require(diagnostics.first?.message)
        #expect(message.hasPrefix("unknown Azure region 'xxx"))
        #expect(!message.contains("did you mean"))
    }

    @Test(.timeLimit(.minutes(1)))
    func aHugeUnknownActionIsRefusedWithoutAHint() throws {
        let diagnostics = runbookDiagnostics("name: t\nsteps:\n  - name: a\n    action: \(Self.huge)\n")
        let message = try #require(diagnostics.first?.message)
        #expect(message.hasPrefix("unknown action 'xxx"))
        #expect(!message.contains("did you mean"))
    }

    @Test(.timeLimit(.minutes(1)))
    func aHugeUnknownTimeZoneIsRefusedWithoutAHint() throws {
        let recurrence = Recurrence(
            frequency: .day, startTime: Date(timeIntervalSince1970: 1_800_000_000), timeZone: Self.huge)
        let problem = try #require(recurrence.problems().first)
        #expect(problem.hasPrefix("timeZone: unknown IANA time zone 'xxx"))
        #expect(!problem.contains("did you mean"))
    }

    @Test func everyUnknownKindStillGetsAHintForATypo() {
        #expect(Region.hint(for: "Eest US 2") == " (did you mean 'eastus2'?)")
        #expect(Suggestion.closest(to: "wiht", among: ["with", "when"]) == "with")
        #expect(Suggestion.closest(to: "Europe/Pariss", among: TimeZone.knownTimeZoneIdentifiers) == "Europe/Paris")
        #expect(Suggestion.closest(to: "enable-trackng", among: ActionCatalog.names) == "enable-tracking")
        let recurrence = Recurrence(
            frequency: .day, startTime: Date(timeIntervalSince1970: 1_800_000_000), timeZone: "Europe/Berln")
        #expect(
            recurrence.problems().first
                == "timeZone: unknown IANA time zone 'Europe/Berln' (did you mean 'Europe/Berlin'?)")
    }

    @Test func aWordPastTheLengthCapGetsNoHintEvenWhenClose() {
        let key = String(repeating: "a", count: Suggestion.maxWordLength)
        #expect(Suggestion.closest(to: key + "b", among: [key]) == nil)
        #expect(Suggestion.closest(to: String(key.dropLast()) + "b", among: [key]) == key)
    }

    /// The bounded table gives the same answers as the full one within the limit.
    @Test(arguments: [
        ("kitten", "sitting", 3), ("wiht", "with", 1), ("", "abc", 3), ("abc", "", 3), ("ca", "abc", 3),
        ("flaw", "lawn", 2), ("same", "same", 0),
    ])
    func theBoundedDistanceMatchesTheFullTable(_ a: String, _ b: String, _ expected: Int) {
        #expect(Suggestion.distance(a, b) == expected)
        #expect(Suggestion.distance(Array(a), Array(b), atMost: expected) == expected)
        if expected > 0 { #expect(Suggestion.distance(Array(a), Array(b), atMost: expected - 1) == nil) }
    }

    // F5: a quoted value is clipped to its first 80 characters, then `…` and its length.

    @Test func quotedValuesAreClippedWithTheirLength() {
        #expect(Quoted.clip("eastus3") == "'eastus3'")
        let exact = String(repeating: "a", count: Quoted.maxCharacters)
        #expect(Quoted.clip(exact) == "'\(exact)'")
        #expect(Quoted.clip(exact + "b") == "'\(exact)…' (81 characters)")
        #expect(Quoted.clip(Self.huge) == "'\(Self.huge.prefix(80))…' (900000 characters)")
    }

    @Test func aHugeRegionIsClippedInItsError() throws {
        let diagnostics = automationFileDiagnostics(
            "workspace: { name: w, subscription: 11111111-1111-1111-1111-111111111111, resourceGroup: g, region: \(Self.huge) }\n"
        )
        let first = try #require(diagnostics.first)
        #expect(first.message == "unknown Azure region '\(Self.huge.prefix(80))…' (900000 characters)")
        #expect(first.mark.line == 1)
        #expect(first.mark.column == 101)
    }

    @Test func aHugeTimeoutIsClippedInItsError() throws {
        let timeout = String(repeating: "1d", count: 100_000)
        let diagnostics = runbookDiagnostics(
            "name: t\ntimeout: \(timeout)\nsteps:\n  - { name: a, action: log, with: { message: hi } }\n")
        let first = try #require(diagnostics.first)
        #expect(
            first.message
                == "'timeout' '\(timeout.prefix(80))…' (200000 characters) is longer than the maximum duration, "
                + "3650d (10 years)")
        #expect(first.mark == .init(line: 2, column: 10))
        #expect(
            DurationText.Problem.notADuration(timeout + "x").description
                == "'\(timeout.prefix(80))…' (200001 characters) is not a duration such as 30s, 15m or 1h30m")
    }

    @Test func aHugeActionIsClippedInItsError() throws {
        let diagnostics = runbookDiagnostics("name: t\nsteps:\n  - name: a\n    action: \(Self.huge)\n")
        let first = try #require(diagnostics.first)
        #expect(first.message.hasPrefix("unknown action '\(Self.huge.prefix(80))…' (900000 characters)"))
        #expect(first.message.count < 400)
    }

    /// The fuzzer's second hang (seed 99): 20,000 bad schedules took 35 s, each nested decoder
    /// copying every diagnostic found so far before adding its own.
    @Test(.timeLimit(.minutes(1)))
    func thousandsOfBadSchedulesAreReportedInLinearTime() {
        let entries = String(repeating: "  - name: contoso-gw\n", count: 20_000)
        let diagnostics = automationFileDiagnostics("schedules:\n" + entries)
        #expect(diagnostics.count >= 40_000)
        #expect(diagnostics.first?.message == "schedule 'contoso-gw' is missing required key 'frequency'")
        #expect(diagnostics.last?.mark.line == 20_001)
    }

    @Test(.timeLimit(.minutes(1)))
    func thousandsOfBadStepInputsAreReportedInLinearTime() {
        var lines = ["name: t", "steps:"]
        for index in 0..<10_000 { lines.append("  - { name: s\(index), action: log, with: { nosuch: 1 } }") }
        let diagnostics = runbookDiagnostics(lines.joined(separator: "\n"))
        #expect(diagnostics.count >= 10_000)
    }
}
