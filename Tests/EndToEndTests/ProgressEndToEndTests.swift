import Foundation
import Testing

/// What a person watching a job sees (issue 9, item 6): a scan's progress line on a terminal,
/// never on a pipe; and stream lines in the order they were written, even on one pipe.
@Suite(.serialized) struct ProgressEndToEndTests {
    @Test func linesOnOnePipeComeInTheOrderTheyWereWritten() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let folder = cli.store + "-books"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let book = folder + "/order.yaml"
        try """
        name: order
        steps:
          - { name: one, action: log, with: { message: first output } }
          - { name: two, action: log, with: { stream: Warning, message: second warning } }
          - { name: three, action: log, with: { stream: Error, message: third error } }
          - { name: four, action: log, with: { message: fourth output } }
        """.write(toFile: book, atomically: true, encoding: .utf8)
        let run = try cli.runMerged(["run", book])
        #expect(run.status == 0)
        let lines = run.output.split(separator: "\n").map(String.init)
        let logged = lines.filter { line in ["first", "second", "third", "fourth"].contains { line.contains($0) } }
        #expect(
            logged == ["first output", "warning: second warning", "error: third error", "fourth output"],
            "\(run.output)")
        // The job's ending comes after its streams.
        #expect(lines.last?.hasPrefix("Job ") == true, "\(run.output)")
    }

    /// The contoso machines, tracked and configured: a scan of them has files to walk and hash.
    func contoso(_ cli: CLI) throws -> String {
        let copy = cli.store + "-contoso"
        try FileManager.default.copyItem(atPath: CLI.packageRoot + "/examples/contoso", toPath: copy)
        for arguments in [
            ["apply", copy + "/automation.yaml"], ["run", "enable-tracking"], ["run", "configure-tracking"],
        ] {
            #expect(try cli.run(arguments).status == 0)
        }
        return copy
    }

    @Test func aScanShowsProgressOnATerminalAndClearsIt() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let copy = try contoso(cli)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let run = try cli.runOnTerminal(["run", "scan"])
        #expect(run.status == 0, "\(run.output)")
        // Drawn in place and cleared: `\r`, the line, then `\r` and erase-to-end before the next line.
        #expect(run.output.contains("\rScanning contoso-lnx01 ("), "\(run.output)")
        #expect(run.output.contains("files walked"))
        #expect(run.output.contains("\r\u{1B}[K"))
        // Nothing is left on the screen of it: the last thing drawn before the job's line clears it.
        let beforeEnding = try #require(run.output.range(of: "Job ", options: .backwards))
        let tail = run.output[..<beforeEnding.lowerBound]
        let lastDraw = try #require(tail.range(of: "\rScanning", options: .backwards))
        #expect(tail[lastDraw.upperBound...].contains("\r\u{1B}[K"))
    }

    @Test func aScanOnAPipeShowsNoProgress() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let copy = try contoso(cli)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let run = try cli.runMerged(["run", "scan"])
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("contoso-lnx01: baseline of"))
        #expect(!run.output.contains("Scanning"))
        #expect(!run.output.contains("\r"))
        #expect(!run.output.contains("\u{1B}"))
        // Nor does it enter the job's stored streams.
        let job = try cli.run("jobs", "show", "latest", "--json")
        #expect(!job.stdout.contains("files walked"))
    }

    @Test func jsonOnATerminalShowsNoProgress() throws {
        let cli = CLI()
        defer { cli.cleanUp() }
        let copy = try contoso(cli)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let run = try cli.runOnTerminal(["run", "scan", "--json"])
        #expect(run.status == 0, "\(run.output)")
        #expect(!run.output.contains("Scanning"))
        #expect(!run.output.contains("\u{1B}[K"))
    }
}
