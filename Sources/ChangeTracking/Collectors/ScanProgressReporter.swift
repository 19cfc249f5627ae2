import Synchronization

/// Counts a scan's work from the walking and hashing threads and reports it to an observer.
/// Counting is an atomic add per file (and per chunk hashed), never a lock; a report goes out
/// every `filesPerReport` files walked or hashed, every `bytesPerReport` bytes hashed (a large
/// file shows progress while it is read) and at each phase change, so its cost does not grow
/// with a fast disk. Drawing rate limits are the observer's business.
final class ScanProgressReporter: Sendable {
    static let filesPerReport = 256
    static let bytesPerReport = 8 << 20

    private let observer: ScanProgress.Observer
    private let machinesTotal: Int
    /// The machine and how many came before it: set between machines, read by every report.
    private let machine = Mutex<(name: String, done: Int)>(("", 0))
    private let walked = Atomic<Int>(0)
    private let hashed = Atomic<Int>(0)
    private let bytesHashed = Atomic<Int>(0)
    /// -1 while walking.
    private let toHash = Atomic<Int>(-1)
    private let bytesToHash = Atomic<Int>(0)
    private let storing = Atomic<Bool>(false)

    init(machines: Int, observer: @escaping ScanProgress.Observer) {
        self.machinesTotal = machines
        self.observer = observer
    }

    /// A machine's scan begins: its counters start from zero.
    func startMachine(_ name: String, done: Int) {
        machine.withLock { $0 = (name, done) }
        walked.store(0, ordering: .relaxed)
        hashed.store(0, ordering: .relaxed)
        bytesHashed.store(0, ordering: .relaxed)
        toHash.store(-1, ordering: .relaxed)
        bytesToHash.store(0, ordering: .relaxed)
        storing.store(false, ordering: .relaxed)
        report()
    }

    func walkedFile() {
        let (_, count) = walked.wrappingAdd(1, ordering: .relaxed)
        if count % Self.filesPerReport == 0 { report() }
    }

    /// The walk is over: these files and bytes are hashed now.
    func startHashing(files: Int, bytes: Int64) {
        bytesToHash.store(Int(bytes), ordering: .relaxed)
        toHash.store(files, ordering: .relaxed)
        report()
    }

    func hashedBytes(_ count: Int) {
        let (before, after) = bytesHashed.wrappingAdd(count, ordering: .relaxed)
        if before / Self.bytesPerReport != after / Self.bytesPerReport { report() }
    }

    func hashedFile() {
        let (_, count) = hashed.wrappingAdd(1, ordering: .relaxed)
        if count % Self.filesPerReport == 0 { report() }
    }

    /// The machine's files are hashed: its changes are worked out and stored now.
    func startStoring() {
        storing.store(true, ordering: .relaxed)
        report()
    }

    /// The scan is over: one last report says so.
    func finish() {
        observer(ScanProgress(machinesDone: machinesTotal, machinesTotal: machinesTotal, finished: true))
    }

    /// What the counters say now (each read on its own: a report may be a file behind).
    var current: ScanProgress {
        let (name, done) = machine.withLock { $0 }
        let files = toHash.load(ordering: .relaxed)
        return ScanProgress(
            machine: name, machinesDone: done, machinesTotal: machinesTotal,
            filesWalked: walked.load(ordering: .relaxed), filesToHash: files < 0 ? nil : files,
            filesHashed: hashed.load(ordering: .relaxed),
            bytesToHash: files < 0 ? nil : Int64(bytesToHash.load(ordering: .relaxed)),
            bytesHashed: Int64(bytesHashed.load(ordering: .relaxed)), storing: storing.load(ordering: .relaxed))
    }

    private func report() { observer(current) }
}
