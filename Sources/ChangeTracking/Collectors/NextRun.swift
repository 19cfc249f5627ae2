import Synchronization

/// Hands out runs of consecutive positions to hashing threads: an atomic add per run.
final class NextRun: Sendable {
    /// Files per run: enough that a run's files share a folder, few enough that both cores
    /// finish together.
    static let length = 64

    private let count: Int
    private let next = Atomic<Int>(0)

    init(count: Int) {
        self.count = count
    }

    func claim() -> Range<Int>? {
        let start = next.add(Self.length, ordering: .relaxed).oldValue
        guard start < count else { return nil }
        return start..<min(start + Self.length, count)
    }
}
