import ChangeTracking
import Testing

@testable import runbook

/// The progress line as a pure function of a report and a time: its text, its throttle, its
/// rate and estimate (issue 9, item 6). Times are plain values, never the wall clock.
@Suite struct ProgressLineTests {
    static let walking = ScanProgress(machine: "web01", machinesDone: 0, machinesTotal: 3, filesWalked: 52_311)

    static func hashing(hashed: Int, bytes: Int64) -> ScanProgress {
        ScanProgress(
            machine: "web01", machinesDone: 1, machinesTotal: 3, filesWalked: 111_000, filesToHash: 20_000,
            filesHashed: hashed, bytesToHash: 160_000_000, bytesHashed: bytes)
    }

    @Test func walkingShowsTheMachineAndTheFilesFound() {
        #expect(
            ProgressLine.text(Self.walking, hashingFor: nil, width: nil)
                == "Scanning web01 (1 of 3): 52,311 files walked")
    }

    @Test func hashingShowsRateAndEstimate() {
        let line = ProgressLine.text(
            Self.hashing(hashed: 5_000, bytes: 40_000_000), hashingFor: .seconds(2), width: nil)
        #expect(
            line
                == "Scanning web01 (2 of 3): 111,000 files walked, 5,000 of 20,000 hashed (40.0 MB of 160.0 MB), "
                + "20.0 MB/s, about 6s left")
    }

    @Test func storingShowsNoEstimate() {
        var progress = Self.hashing(hashed: 20_000, bytes: 160_000_000)
        progress.storing = true
        #expect(
            ProgressLine.text(progress, hashingFor: .seconds(4), width: nil)
                == "Scanning web01 (2 of 3): 111,000 files walked, 20,000 of 20,000 hashed (160.0 MB of 160.0 MB), "
                + "storing the snapshot")
    }

    @Test func noRateBeforeAnyTimeOrBytes() {
        let started = ProgressLine.text(Self.hashing(hashed: 0, bytes: 0), hashingFor: .seconds(1), width: nil)
        #expect(started.hasSuffix("0 of 20,000 hashed (0 B of 160.0 MB)"))
        let instant = ProgressLine.text(Self.hashing(hashed: 10, bytes: 1000), hashingFor: .zero, width: nil)
        #expect(!instant.contains("/s"))
    }

    @Test func aLineNeverWrapsTheTerminal() {
        let line = ProgressLine.text(Self.hashing(hashed: 5_000, bytes: 40_000_000), hashingFor: .seconds(2), width: 40)
        #expect(line.count == 39)
        #expect(line.hasSuffix("…"))
    }

    @Test func aMachineNameCannotDriveTheTerminal() {
        var progress = Self.walking
        progress.machine = "evil\u{1B}]0;owned\u{07}"
        #expect(!ProgressLine.text(progress, hashingFor: nil, width: nil).contains("\u{1B}"))
    }

    @Test func redrawsAtMostOncePerInterval() {
        var line = ProgressLine(interval: .milliseconds(100))
        #expect(line.update(Self.walking, at: .zero, width: nil) != nil)
        #expect(line.update(Self.walking, at: .milliseconds(99), width: nil) == nil)
        #expect(line.update(Self.walking, at: .milliseconds(100), width: nil) != nil)
        #expect(line.update(Self.walking, at: .milliseconds(150), width: nil) == nil)
    }

    @Test func aNewPhaseIsDrawnAtOnce() {
        var line = ProgressLine(interval: .milliseconds(100))
        #expect(line.update(Self.walking, at: .zero, width: nil) != nil)
        var hashing = Self.hashing(hashed: 0, bytes: 0)
        hashing.machinesDone = 0
        #expect(line.update(hashing, at: .milliseconds(10), width: nil) != nil)
        #expect(line.update(hashing, at: .milliseconds(20), width: nil) == nil)
        hashing.storing = true
        #expect(line.update(hashing, at: .milliseconds(30), width: nil)?.hasSuffix("storing the snapshot") == true)
    }

    /// The rate is measured from the first report of the hashing phase, drawn or not.
    @Test func theRateCountsFromTheStartOfHashing() {
        var line = ProgressLine(interval: .seconds(1))
        _ = line.update(Self.walking, at: .zero, width: nil)
        #expect(line.update(Self.hashing(hashed: 0, bytes: 0), at: .seconds(5), width: nil) != nil)
        let later = line.update(Self.hashing(hashed: 2_000, bytes: 16_000_000), at: .seconds(7), width: nil)
        #expect(later?.hasSuffix("8.0 MB/s, about 18s left") == true, "\(later ?? "nil")")
        // The next machine's hashing starts its own clock.
        var next = Self.hashing(hashed: 0, bytes: 0)
        next.machine = "web02"
        next.machinesDone = 2
        _ = line.update(next, at: .seconds(10), width: nil)
        next.bytesHashed = 1_000_000
        let third = line.update(next, at: .seconds(11), width: nil)
        #expect(third?.contains("1.0 MB/s") == true, "\(third ?? "nil")")
    }

    @Test(arguments: [
        (0, "0 B"), (999, "999 B"), (1_000, "1.0 kB"), (41_600_000, "41.6 MB"), (2_500_000_000_000, "2.5 TB"),
    ])
    func bytes(value: Int64, text: String) {
        #expect(ProgressLine.bytes(value) == text)
    }

    @Test(arguments: [(0.2, "1s"), (59.0, "59s"), (125.0, "2m05s"), (3_840.0, "1h04m"), (1e12, "99h00m")])
    func estimates(seconds: Double, text: String) {
        #expect(ProgressLine.duration(seconds) == text)
    }

    @Test(arguments: [(0, "0"), (999, "999"), (1_000, "1,000"), (111_000, "111,000"), (1_234_567, "1,234,567")])
    func counts(value: Int, text: String) {
        #expect(ProgressLine.count(value) == text)
    }
}
