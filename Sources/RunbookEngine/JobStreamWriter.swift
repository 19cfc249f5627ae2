import Automation
import ChangeTracking
import Foundation

/// Stores a job's stream records in order as they are written and passes each to an observer
/// (the CLI shows them live). Verbose, Progress and Debug are kept only when the runbook asks.
public actor JobStreamWriter: StreamSink {
    public static let defaultCap = 1024 * 1024

    public typealias Observer = @Sendable (StreamRecord) -> Void

    let jobId: String
    let store: any JobRecording
    let now: @Sendable () -> Date
    let observer: Observer?
    /// Hears how far long work (a scan) is, for a terminal's progress line; none of it is stored.
    public nonisolated let progress: ScanProgress.Observer?
    let keepVerbose: Bool
    let keepProgress: Bool
    /// Bytes kept per stream (Azure caps a stream at 1 MiB); past it, one line says so.
    let cap: Int
    private var written: [StreamKind: Int] = [:]
    private var truncated: Set<StreamKind> = []
    private(set) var failures: [String] = []

    init(
        jobId: String, store: any JobRecording, now: @escaping @Sendable () -> Date, keepVerbose: Bool,
        keepProgress: Bool, cap: Int = JobStreamWriter.defaultCap,
        usage: [StreamKind: JobStreamUsage] = [:], observer: Observer?,
        progress: ScanProgress.Observer? = nil
    ) {
        self.progress = progress
        // A resumed job goes on from what its streams already hold.
        self.written = usage.mapValues(\.bytes)
        self.truncated = Set(usage.filter(\.value.truncated).keys)
        self.cap = cap
        self.jobId = jobId
        self.store = store
        self.now = now
        self.keepVerbose = keepVerbose
        self.keepProgress = keepProgress
        self.observer = observer
    }

    public func write(_ kind: StreamKind, _ message: String) async {
        switch kind {
        case .verbose, .debug:
            if !keepVerbose { return }
        case .progress:
            if !keepProgress { return }
        default:
            break
        }
        guard !truncated.contains(kind) else { return }
        let size = message.utf8.count
        var message = message
        if written[kind, default: 0] + size > cap {
            truncated.insert(kind)
            message = "[truncated: the \(kind.rawValue) stream reached its \(cap)-byte cap; later records were dropped]"
        }
        written[kind, default: 0] += size
        do {
            for record in try await store.appendStream(job: jobId, [(kind, now(), message)]) {
                observer?(record)
            }
        } catch {
            // The record could not be stored; the job must not pretend it was.
            failures.append("\(error)")
        }
    }

    /// Storage failures seen so far; the engine fails the job when there are any.
    func storageFailures() -> [String] { failures }
}
