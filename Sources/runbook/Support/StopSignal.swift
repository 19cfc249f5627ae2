import Dispatch
import Foundation

/// SIGINT and SIGTERM: the scheduler stops after its current pass; `run` stops its job.
final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private var sources: [any DispatchSourceSignal] = []

    init(onSignal: (@Sendable () -> Void)? = nil) {
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                self?.set()
                onSignal?()
            }
            source.resume()
            sources.append(source)
        }
    }

    var requested: Bool { lock.withLock { flag } }

    private func set() { lock.withLock { flag = true } }
}

/// A flag set once, read from any thread.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false

    var isSet: Bool { lock.withLock { flag } }
    func set() { lock.withLock { flag = true } }
}
