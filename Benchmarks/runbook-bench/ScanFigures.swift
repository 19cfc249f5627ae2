import Automation
import ChangeTracking
import Crypto
import Foundation

/// The smaller figures of issue 3: diff of big snapshots, the dpkg parser, SHA-256 throughput.
enum ScanFigures {
    /// Diffs two snapshots of `count` items that differ in 1% of them; prints the time.
    static func diff(count: Int) {
        func snapshot(_ version: Int) -> [InventoryItem] {
            (0..<count).map { index in
                let changed = version == 1 && index % 100 == 0
                return InventoryItem(
                    type: .files, key: String(format: "/data/d%04d/f%07d", index / 1000, index),
                    fields: [
                        "FileSystemPath": "/data/f\(index)", "Size": String(index % 4096),
                        "FileContentChecksum": changed ? "changed-\(index)" : "sum-\(index)",
                        "DateModified": "2026-11-24T22:57:35Z",
                    ])
            }
        }
        let before = snapshot(0)
        let after = snapshot(1)
        let start = DispatchTime.now().uptimeNanoseconds
        let changes = SnapshotDiff.changes(previous: before, current: after)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "diff of two %d-item snapshots: %.3f s, %d changes", count, seconds, changes.count))
    }

    /// One parse of this host's dpkg status, as a whole process (compare with dpkg-query -W).
    static func dpkg() throws {
        let text = try String(contentsOfFile: "/var/lib/dpkg/status", encoding: .utf8)
        let parsed = DpkgStatus.parse(text, file: "/var/lib/dpkg/status")
        for package in parsed.packages { print("\(package.name)\t\(package.version)") }
    }

    /// SHA-256 of in-memory data on every core: the machine's ceiling for a full scan.
    static func shaThroughput() async {
        let workers = ProcessInfo.processInfo.activeProcessorCount
        let block = [UInt8](repeating: 0x5A, count: 256 * 1024)
        let perWorker = 2048  // 512 MiB per worker
        let start = DispatchTime.now().uptimeNanoseconds
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    var hasher = SHA256()
                    for _ in 0..<perWorker { hasher.update(data: block) }
                    _ = hasher.finalize()
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let mib = Double(workers * perWorker * block.count) / 1_048_576
        print(String(format: "SHA-256 on %d cores: %.0f MiB/s", workers, mib / seconds))
    }
}
