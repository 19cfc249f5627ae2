import Foundation

/// Ends the run when one case takes too long: a hang is a finding, and CI must not wait for it.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var started: Date?
    private var label = ""
    let limit: TimeInterval

    init(limit: TimeInterval) {
        self.limit = limit
        let thread = Thread { [weak self] in
            while let self {
                Thread.sleep(forTimeInterval: 0.5)
                self.check()
            }
        }
        thread.start()
    }

    func begin(_ label: String) {
        lock.lock()
        started = Date()
        self.label = label
        lock.unlock()
    }

    func end() {
        lock.lock()
        started = nil
        lock.unlock()
    }

    private func check() {
        lock.lock()
        let overdue = started.map { Date().timeIntervalSince($0) > limit } ?? false
        let label = self.label
        lock.unlock()
        guard overdue else { return }
        FileHandle.standardError.write(
            Data("fuzz: \(label) ran longer than \(Int(limit)) s (a hang); its input is in the last-input file\n".utf8))
        exit(2)
    }
}
