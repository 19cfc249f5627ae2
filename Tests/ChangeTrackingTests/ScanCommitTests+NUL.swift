import Automation
import AutomationService
import Foundation
import Testing

@testable import ChangeTracking

extension ScanCommitTests {
    /// A package whose name holds a NUL (a crafted dpkg database): the machine's scan fails
    /// saying which item, and its snapshot stays as it was (no store keeps such a name whole).
    @Test func anItemNameWithNULFailsTheScanAndStoresNothing() async throws {
        #expect(try await scan().scanned == [Self.machine])
        let before = try store.snapshot(machine: Self.machine)
        let status = "contoso/machines/\(Self.machine)/var/lib/dpkg/status"
        let crafted =
            try String(contentsOfFile: tree.path(status), encoding: .utf8)
            + "\nPackage: evil\u{0}pkg\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n"
        try tree.write(status, crafted)
        let sink = CollectingSink()
        let account = try #require(try store.account(namedOrDefault: nil))
        let machines = try store.machines().filter { $0.machine.name == Self.machine }
        let outcome = try await Scanner(store: store, now: { Date() })
            .scan(machines, account: account, jobId: nil, sink: sink)
        #expect(outcome.failed == [Self.machine])
        let lines = sink.lines.withLock { $0 }
        #expect(lines.contains { $0.contains("item 'evil\\0pkg' has a NUL byte in its name") }, "\(lines)")
        #expect(try store.snapshot(machine: Self.machine) == before)
    }
}
