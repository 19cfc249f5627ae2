import ChangeTracking
import Foundation
import Synchronization

/// The progress line of a foreground job on a terminal: one line on stderr, redrawn in place
/// with `\r`, cleared before any other line is printed and when the work ends. It exists only
/// when stderr is a terminal: a pipe or a file never receives it, and a job's stored streams
/// never do either.
final class LiveProgress: Sendable {
    private struct State {
        var line = ProgressLine()
        var visible = false
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now

    /// A progress line for this process, or nil when it must not draw one (--json, stderr not
    /// a terminal, or a terminal that cannot clear a line).
    static func onTerminal(json: Bool) -> LiveProgress? {
        guard !json, isatty(STDERR_FILENO) == 1, ProcessInfo.processInfo.environment["TERM"] != "dumb" else {
            return nil
        }
        return LiveProgress()
    }

    /// Called from the scanning threads: redraws the line, at most every `ProgressLine.interval`.
    func show(_ progress: ScanProgress) {
        guard !progress.finished else {
            clear()
            return
        }
        let now = ContinuousClock.now - started
        state.withLock { state in
            guard let text = state.line.update(progress, at: now, width: Self.width) else { return }
            Self.write("\r" + text + Self.clearToEnd)
            state.visible = true
        }
    }

    /// Prints through `body` with the line out of the way: no other thread redraws it between
    /// the clearing and the printing, and the next report draws it again below.
    func printing(_ body: () -> Void) {
        state.withLock { state in
            Self.erase(&state)
            body()
        }
    }

    func clear() {
        state.withLock { Self.erase(&$0) }
    }

    private static let clearToEnd = "\u{1B}[K"

    private static func erase(_ state: inout State) {
        guard state.visible else { return }
        write("\r" + clearToEnd)
        state.visible = false
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// The width of the terminal stderr is on, read at each draw (it may be resized).
    private static var width: Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
