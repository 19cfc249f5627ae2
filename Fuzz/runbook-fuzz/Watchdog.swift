import Foundation

/// Ends the run when one case takes too long or the process grows too large: a hang or a
/// memory blow-up is a finding, and CI must not wait for it (nor the machine swap for it).
///
/// A thread of its own looks ten times a second at the running case's age and at the process's
/// resident size (`/proc/self/statm`). Past `limit` seconds the run ends with exit 2, past
/// `memoryLimitMB` with exit 3; either way the case's input is in the last-input file.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var started: Date?
    private var label = ""
    private var peakBytes = 0
    let limit: TimeInterval
    let memoryLimitMB: Int

    init(limit: TimeInterval, memoryLimitMB: Int) {
        self.limit = limit
        self.memoryLimitMB = memoryLimitMB
        let thread = Thread { [weak self] in
            while let self {
                Thread.sleep(forTimeInterval: 0.1)
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

    /// The largest resident size seen so far, in MB.
    var peakMB: Int {
        lock.lock()
        defer { lock.unlock() }
        return peakBytes >> 20
    }

    private func check() {
        let resident = Self.residentBytes()
        lock.lock()
        let overdue = started.map { Date().timeIntervalSince($0) > limit } ?? false
        peakBytes = max(peakBytes, resident ?? 0)
        // Between cases, the memory is still the last case's.
        let label = started == nil ? self.label + " (just ended)" : self.label
        lock.unlock()
        if let resident, resident >> 20 > memoryLimitMB {
            stop(
                3,
                "\(label) took the process to \(resident >> 20) MB resident, past --memory-limit \(memoryLimitMB) MB "
                    + "(a memory blow-up)")
        }
        if overdue { stop(2, "\(label) ran longer than \(Int(limit)) s (a hang)") }
    }

    /// Ends the process at once, from this thread: `_exit`, not `exit`, so that nothing runs
    /// while the main thread is still inside the case.
    private func stop(_ status: Int32, _ message: String) -> Never {
        FileHandle.standardError.write(Data("fuzz: \(message); its input is in the last-input file\n".utf8))
        _exit(status)
    }

    /// Resident set size: the second number of `/proc/self/statm`, in pages. Nil where there is
    /// no such file (not Linux): the memory limit is then not checked.
    static func residentBytes() -> Int? {
        let descriptor = open("/proc/self/statm", O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let fields = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
