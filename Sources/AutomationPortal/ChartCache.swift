import Automation
import AutomationService
import Foundation
import Synchronization

/// Counts of the chart's slots that can no longer change: changes are only ever added, at the
/// time of the scan that found them, so a whole bucket that ended a while ago keeps its count.
/// Only those are kept; the newest buckets are counted on every view.
final class ChartCache: Sendable {
    /// A bucket is settled this long after it ends (a scan records its changes at its end time,
    /// a little before its transaction commits).
    static let settle: TimeInterval = 600
    static let capacity = 50_000

    private let stored = Mutex<[ChangeSlot: Int]>([:])

    /// Counts of the changes of `types` in buckets of `width` seconds from `start` to `end`
    /// (clamped to the query's range), from the cache where settled, the rest from the store.
    func counts(
        service: AutomationService, types: [ConfigType], start: Date, end: Date, width: Int64, now: Date
    ) async throws(ServiceError) -> [ChangeCount] {
        let first = Int64(start.timeIntervalSince1970.rounded(.down)) / width * width
        let last = Int64(end.timeIntervalSince1970.rounded(.down))
        guard last >= first, (last - first) / width < 10_000 else { return [] }
        var slots: [(bucket: Int64, slot: ChangeSlot)] = []
        for type in types {
            for bucket in stride(from: first, through: last, by: Int(width)) {
                let from = Date(timeIntervalSince1970: TimeInterval(bucket))
                let to = Date(timeIntervalSince1970: TimeInterval(bucket + width))
                slots.append((bucket, ChangeSlot(type: type, from: max(from, start), to: min(to, end))))
            }
        }
        let known = stored.withLock { cached in slots.map { cached[$0.slot] } }
        let missing = zip(slots, known).filter { $0.1 == nil }.map(\.0.slot)
        let fetched = try await service.changeCounts(missing)
        let settled = now.addingTimeInterval(-Self.settle)
        stored.withLock { cached in
            if cached.count > Self.capacity { cached.removeAll() }
            for (slot, count) in zip(missing, fetched)
            where slot.to <= settled && Int64(slot.to.timeIntervalSince(slot.from)) == width {
                cached[slot] = count
            }
        }
        var found = Dictionary(zip(missing, fetched), uniquingKeysWith: { first, _ in first })
        for (entry, count) in zip(slots, known) where count != nil { found[entry.slot] = count }
        return slots.compactMap { entry in
            guard let count = found[entry.slot], count > 0 else { return nil }
            return ChangeCount(bucket: entry.bucket, type: entry.slot.type, count: count)
        }
    }
}
