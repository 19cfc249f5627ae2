import Automation
import Foundation
import Testing

/// The binary carries runbooks/*.yaml (issue 21, item 8): the copy must be the files exactly,
/// so an edit to a shipped runbook without `scripts/embed-runbooks.sh` fails here.
@Suite struct ShippedRunbooksTests {
    @Test func theBinarysCopyIsTheRunbooksFolder() throws {
        let folder = Fixtures.packageRoot + "/runbooks"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }
        #expect(
            ShippedRunbooks.names == files.map { String($0.dropLast(5)) }.sorted(),
            "run scripts/embed-runbooks.sh")
        for file in files {
            let name = String(file.dropLast(5))
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            #expect(
                ShippedRunbooks.text(name) == text,
                "runbooks/\(file) differs from the binary's copy: run scripts/embed-runbooks.sh")
            let loaded = try #require(try ShippedRunbooks.load(name))
            #expect(loaded.runbook.name == name)
            #expect(loaded.digest == ContentDigest.sha256Hex(Array(text.utf8)))
        }
        #expect(try ShippedRunbooks.load("no-such-runbook") == nil)
    }
}
