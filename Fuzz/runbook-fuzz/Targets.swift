import Automation
import Foundation

/// One parser under attack: its corpus folder and what to do with one input. A target returns
/// normally for any input it refuses with an error; only a trap, a hang or a blow-up is a finding.
struct FuzzTarget: Sendable {
    var name: String
    var corpus: String
    var run: @Sendable ([UInt8]) -> Void
}

enum FuzzTargets {
    static let reference = Date(timeIntervalSince1970: 1_795_000_000)

    static let all: [FuzzTarget] =
        [
            FuzzTarget(name: "runbook", corpus: "runbook") { bytes in
                _ = try? RunbookLoader.parse(bytes, label: "fuzz.yaml")
            },
            FuzzTarget(name: "automation-file", corpus: "automation") { bytes in
                guard let file = try? AutomationFile.parse(bytes, label: "fuzz.yaml", baseFolder: "/nonexistent") else {
                    return
                }
                // Schedules that load must also compute: the next fires are where bounds trap.
                for schedule in file.schedules {
                    _ = schedule.recurrence.preview(after: reference, count: 3)
                }
            },
            FuzzTarget(name: "duration", corpus: "duration") { bytes in
                _ = DurationText.parse(String(decoding: bytes, as: UTF8.self))
            },
        ] + MachineFolderTargets.all
}
