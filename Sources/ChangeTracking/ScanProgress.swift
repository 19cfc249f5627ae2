/// Where a scan is, for people watching it: the CLI draws it as a line on a terminal. It is
/// never stored; a job's streams hold only what the scan wrote to them.
public struct ScanProgress: Sendable, Hashable {
    public typealias Observer = @Sendable (ScanProgress) -> Void

    /// The machine being scanned (empty once the scan is finished).
    public var machine = ""
    /// Machines finished (scanned, failed or skipped) before this one.
    public var machinesDone = 0
    public var machinesTotal = 0
    /// Files the walk of this machine found so far.
    public var filesWalked = 0
    /// Known once the walk ends: the files whose stat changed, which are hashed. Nil while walking.
    public var filesToHash: Int?
    public var filesHashed = 0
    public var bytesToHash: Int64?
    public var bytesHashed: Int64 = 0
    /// Files are hashed; the machine's changes are being worked out and stored.
    public var storing = false
    /// The last report of a scan: nothing more comes, a line showing it can go.
    public var finished = false

    public init(
        machine: String = "", machinesDone: Int = 0, machinesTotal: Int = 0, filesWalked: Int = 0,
        filesToHash: Int? = nil, filesHashed: Int = 0, bytesToHash: Int64? = nil, bytesHashed: Int64 = 0,
        storing: Bool = false, finished: Bool = false
    ) {
        self.machine = machine
        self.machinesDone = machinesDone
        self.machinesTotal = machinesTotal
        self.filesWalked = filesWalked
        self.filesToHash = filesToHash
        self.filesHashed = filesHashed
        self.bytesToHash = bytesToHash
        self.bytesHashed = bytesHashed
        self.storing = storing
        self.finished = finished
    }

    /// Hashing has begun (the walk is over).
    public var hashing: Bool { filesToHash != nil }
}
