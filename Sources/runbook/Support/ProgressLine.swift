import Automation
import ChangeTracking
import Foundation

/// Turns scan progress into the one line a terminal shows. Pure: the time is given, so tests
/// pin the throttling, the rate and the estimate with plain values.
struct ProgressLine {
    /// Redraws at most this often: more is flicker, and each costs a write.
    var interval: Duration = .milliseconds(100)
    private var lastDrawn: Duration?
    /// The machine and phase last drawn: a new one is drawn at once, so a line never sits on
    /// "hashing" through a long commit because its report came too soon after the last draw.
    private var lastPhase: Phase?
    /// When the current machine's hashing began, to measure bytes per second over it.
    private var hashingSince: (machine: String, done: Int, at: Duration)?

    init(interval: Duration = .milliseconds(100)) {
        self.interval = interval
    }

    /// The line to draw for `progress`, seen at `now` (time since any fixed start), or nil when
    /// the last line, of the same machine and phase, was drawn less than `interval` ago. Every report is seen, drawn or not, so
    /// the hashing phase is timed from its first report.
    mutating func update(_ progress: ScanProgress, at now: Duration, width: Int?) -> String? {
        if !progress.hashing {
            hashingSince = nil
        } else if hashingSince.map({ $0.machine != progress.machine || $0.done != progress.machinesDone }) ?? true {
            hashingSince = (progress.machine, progress.machinesDone, now)
        }
        let phase = Phase(progress)
        if let lastDrawn, now - lastDrawn < interval, phase == lastPhase { return nil }
        lastDrawn = now
        lastPhase = phase
        return Self.text(progress, hashingFor: hashingSince.map { now - $0.at }, width: width)
    }

    private struct Phase: Equatable {
        var machine: String
        var done: Int
        var hashing: Bool
        var storing: Bool

        init(_ progress: ScanProgress) {
            (machine, done) = (progress.machine, progress.machinesDone)
            (hashing, storing) = (progress.hashing, progress.storing)
        }
    }

    /// `Scanning web01 (1 of 3): 111,000 files walked, 5,200 of 20,000 hashed (41.6 MB of 160.0 MB),
    /// 48.2 MB/s, about 3s left`, cut to `width` (a wrapped line could not be redrawn in place).
    static func text(_ progress: ScanProgress, hashingFor elapsed: Duration?, width: Int?) -> String {
        // A machine's name is shown, not obeyed: an escape sequence in it must not drive the terminal.
        var line =
            "Scanning \(TerminalText.escaped(progress.machine)) "
            + "(\(progress.machinesDone + 1) of \(progress.machinesTotal)): \(count(progress.filesWalked)) files walked"
        if let files = progress.filesToHash, let bytes = progress.bytesToHash {
            line +=
                ", \(count(progress.filesHashed)) of \(count(files)) hashed"
                + " (\(Self.bytes(progress.bytesHashed)) of \(Self.bytes(bytes)))"
            if progress.storing { return cut(line + ", storing the snapshot", to: width) }
            let seconds = elapsed.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 } ?? 0
            if seconds > 0, progress.bytesHashed > 0 {
                let rate = Double(progress.bytesHashed) / seconds
                line += ", \(Self.bytes(Int64(rate)))/s"
                line += ", about \(duration(Double(max(0, bytes - progress.bytesHashed)) / rate)) left"
            }
        }
        return cut(line, to: width)
    }

    /// One column short of the width: a line that fills it makes some terminals wrap.
    static func cut(_ line: String, to width: Int?) -> String {
        guard let width, width > 1, line.count >= width else { return line }
        return String(line.prefix(width - 2)) + "…"
    }

    /// `111,000`: digits grouped by thousands, the same in every locale.
    static func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return value < 0 ? "-" + grouped : grouped
    }

    /// `41.6 MB`: decimal units, as disks and network rates are quoted.
    static func bytes(_ value: Int64) -> String {
        let units = ["kB", "MB", "GB", "TB"]
        guard value >= 1000 else { return "\(value) B" }
        var scaled = Double(value) / 1000
        var unit = 0
        while scaled >= 1000 && unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        return String(format: "%.1f", scaled) + " " + units[unit]
    }

    /// `3s`, `2m05s`, `1h04m`: as precise as an estimate deserves.
    static func duration(_ seconds: Double) -> String {
        // A stalled disk makes a rate near zero: an estimate past 99 hours says no more than that.
        let whole = seconds.isFinite ? Int(min(seconds, 99 * 3600).rounded(.up)) : 99 * 3600
        if whole < 60 { return "\(max(1, whole))s" }
        if whole < 3600 { return String(format: "%dm%02ds", whole / 60, whole % 60) }
        return String(format: "%dh%02dm", whole / 3600, whole % 3600 / 60)
    }
}
