import Foundation
import Testing

@testable import Automation

/// Issue 8 (items 3, 8, 13, 14): values a runbook writes that once trapped or misled.
@Suite struct HostileValueTests {
    /// The first diagnostic of a runbook's bytes.
    func firstDiagnostic(_ bytes: [UInt8]) -> Diagnostic? {
        do {
            _ = try RunbookLoader.parse(bytes, label: "t.yaml")
            return nil
        } catch {
            return error.diagnostics.first
        }
    }

    /// The first diagnostic of a runbook's text, as `line:column message`.
    func firstProblem(_ text: String) -> String? {
        firstDiagnostic(Array(text.utf8)).map { "\($0.mark.line):\($0.mark.column) \($0.message)" }
    }

    static func runbook(timeout: String = "1h", delay: String = "5s", attempts: String = "2") -> String {
        """
        name: t
        timeout: \(timeout)
        steps:
          - name: a
            action: log
            with: { message: hi }
            retry: { attempts: \(attempts), delay: \(delay) }
        """
    }

    @Test(arguments: ["2000000000000000d", "9223372036854775807s", "106751991167301d", "2562047788015216h"])
    func anOverflowingTimeoutIsRefusedWithTheLimit(_ text: String) {
        #expect(
            firstProblem(Self.runbook(timeout: text))
                == "2:10 'timeout' '\(text)' is longer than the maximum duration, 3650d (10 years)")
    }

    @Test(arguments: ["9223372036854775807s", "106751991167301d", "2562047788015216h", "99999999999999999999ms"])
    func anOverflowingRetryDelayIsRefusedWithTheLimit(_ text: String) {
        #expect(
            firstProblem(Self.runbook(delay: text))
                == "7:34 'delay' '\(text)' is longer than the maximum duration, 3650d (10 years)")
    }

    @Test func durationsAreBoundedAtTheDocumentedMaximum() throws {
        #expect(try DurationText.read("3650d") == DurationText.maximum)
        #expect(try DurationText.read("3649d23h59m59s1000ms") == DurationText.maximum)
        #expect(throws: DurationText.Problem.tooLong("3650d1ms")) { try DurationText.read("3650d1ms") }
        #expect(throws: DurationText.Problem.tooLong("1d3650d")) { try DurationText.read("1d3650d") }
        #expect(throws: DurationText.Problem.notADuration("5x")) { try DurationText.read("5x") }
        #expect(DurationText.parse("2000000000000000d") == nil)
        #expect(
            DurationText.Problem.tooLong("4000d").description
                == "duration '4000d' is longer than the maximum of 3650d (10 years)")
    }

    @Test func anAttemptCountPastIntSaysOutOfRangeWithTheRange() {
        #expect(
            firstProblem(Self.runbook(attempts: "9223372036854775808"))
                == "7:24 'attempts' 9223372036854775808 is out of range (allowed: 1 to 100)")
        #expect(
            firstProblem(Self.runbook(attempts: "101")) == "7:24 'attempts' 101 is out of range (allowed: 1 to 100)")
    }

    /// A 400 KB anchor referenced 5,000 times once made `run` allocate gigabytes.
    @Test func aliasesAreBoundedByExpandedBytes() throws {
        let anchor = String(repeating: "x", count: 400_000)
        var lines = ["name: t", "description: &big \"\(anchor)\"", "steps:"]
        for index in 0..<5_000 {
            lines.append("  - { name: s\(index), action: log, with: { message: *big } }")
        }
        let text = lines.joined(separator: "\n")
        #expect(text.utf8.count < RunbookLoader.maxFileBytes)
        // 400,000 bytes directly, then ten aliases reach 4,400,000 > 4 MiB: the tenth is refused.
        #expect(
            firstProblem(text)
                == "13:47 aliases expand to more than 4194304 bytes of text (possible billion-laughs document)")
    }

    @Test(
        arguments: [
            (
                [0xFF, 0xFE] + Array("name: t\n".utf8).flatMap { [$0, 0] },
                "UTF-16 (little-endian, with a byte order mark)"
            ),
            (
                [0xFE, 0xFF] + Array("name: t\n".utf8).flatMap { [0, $0] },
                "UTF-16 (big-endian, with a byte order mark)"
            ),
            (Array("name: t\n".utf8).flatMap { [$0, 0] }, "UTF-16 (little-endian)"),
            (
                [0xFF, 0xFE, 0, 0] + Array("n".utf8).flatMap { [$0, 0, 0, 0] },
                "UTF-32 (little-endian, with a byte order mark)"
            ),
            (
                [0, 0, 0xFE, 0xFF] + Array("n".utf8).flatMap { [0, 0, 0, $0] },
                "UTF-32 (big-endian, with a byte order mark)"
            ),
        ] as [([UInt8], String)])
    func aRunbookInAnotherEncodingIsRefusedAtTheStart(_ bytes: [UInt8], _ name: String) {
        let diagnostic = firstDiagnostic(bytes)
        #expect(diagnostic?.mark.line == 1)
        #expect(diagnostic?.mark.column == 1)
        #expect(
            diagnostic?.message
                == "the file is \(name); save it as UTF-8 (runbooks and automation files are UTF-8 only)")
    }

    @Test func aFIFOIsRefusedWithoutBlocking() throws {
        let folder = NSTemporaryDirectory() + "runbook-fifo-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/scan.yaml"
        #expect(mkfifo(path, 0o600) == 0)
        // No writer ever opens the FIFO: a blocking open would hang here for ever.
        let error = #expect(throws: DiagnosticError.self) { try RunbookLoader.load(path: path) }
        #expect(
            error?.description
                == "\(path):1:1: error: is a FIFO (named pipe), not a regular file; it was not read")
        #expect(throws: DiagnosticError.self) { try AutomationFile.load(path: path) }
    }
}
