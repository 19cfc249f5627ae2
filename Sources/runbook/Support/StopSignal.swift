import Foundation

/// The write end of the self-pipe: the signal handler may only call async-signal-safe functions.
nonisolated(unsafe) private var signalPipeWrite: Int32 = -1

/// SIGINT and SIGTERM: the scheduler stops after its current pass; `run` stops its job.
///
/// The handler writes a byte to a pipe that a dedicated thread reads. Dispatch signal sources
/// run on the shared worker threads, which a long synchronous step (a big scan) can occupy for
/// seconds; a thread of its own answers at once.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false

    init(onSignal: (@Sendable () -> Void)? = nil) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        signalPipeWrite = ends[1]
        let readEnd = ends[0]
        for number in [SIGINT, SIGTERM] {
            signal(number) { _ in
                var byte: UInt8 = 1
                _ = write(signalPipeWrite, &byte, 1)
            }
        }
        let thread = Thread { [weak self] in
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) == 1 {
                self?.set()
                onSignal?()
            }
        }
        thread.name = "runbook-signals"
        thread.start()
    }

    var requested: Bool { lock.withLock { flag } }

    private func set() { lock.withLock { flag = true } }
}
