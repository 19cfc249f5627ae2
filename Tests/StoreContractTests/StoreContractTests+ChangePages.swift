import Automation
import Foundation
import Testing

/// The portal's pages of changes and machines: the same answers on every store.
extension StoreContractTests {
    @Test(arguments: StoreKind.available) func changePagesCountsSpansAndMachineLists(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            try await store.createAccount(Self.account("ops"), workspace: Self.workspace, makeDefault: true, at: now)
            for name in ["web1", "db1"] {
                try await store.registerMachine(try Self.machine(name), replace: false, at: now)
            }
            try await store.enable([.inventory], on: ["web1"], account: "ops", jobId: nil, at: now)
            // Five changes on web1, an hour apart, of two types; one on db1.
            for index in 0..<5 {
                let type: ConfigType = index.isMultiple(of: 2) ? .files : .software
                let change = ItemChange(
                    type: type, key: "/Etc/Item\(index)", category: .added, fieldsChanged: [],
                    current: ["n": "\(index)"],
                    previous: [:])
                let at = now.addingTimeInterval(Double(index) * 3600)
                let record = ScanRecord(
                    machine: "web1", changes: [change], recordChanges: true, fileIndex: nil, startedAt: at, endedAt: at,
                    jobId: nil, expectedScans: index)
                #expect(try await store.commitScan(record, proceed: { true }) == .committed)
            }
            let other = ScanRecord(
                machine: "db1",
                changes: [
                    ItemChange(
                        type: .files, key: "/srv/x", category: .added, fieldsChanged: [], current: [:], previous: [:])
                ], recordChanges: true, fileIndex: nil, startedAt: now, endedAt: now, jobId: nil, expectedScans: 0)
            #expect(try await store.commitScan(other, proceed: { true }) == .committed)

            let first = try await store.changePage(ChangePageQuery(machine: "web1", limit: 2))
            #expect(first.map(\.change.key) == ["/Etc/Item4", "/Etc/Item3"])
            let second = try await store.changePage(ChangePageQuery(machine: "web1", before: first.last?.id, limit: 2))
            #expect(second.map(\.change.key) == ["/Etc/Item2", "/Etc/Item1"])
            // A cursor row that does not exist is no cursor.
            #expect(try await store.changePage(ChangePageQuery(before: 999_999, limit: 3)).count == 3)
            #expect(try await store.changePage(ChangePageQuery(type: .software)).count == 2)
            #expect(try await store.changePage(ChangePageQuery(text: "etc/item")).count == 5)  // case ignored
            #expect(try await store.changePage(ChangePageQuery(text: "100%")).isEmpty)  // % is literal
            #expect(
                try await store.changePage(
                    ChangePageQuery(since: now.addingTimeInterval(3600), until: now.addingTimeInterval(3 * 3600))
                ).count == 2)
            let one = try #require(first.first)
            #expect(try await store.change(id: one.id) == one)
            #expect(try await store.change(id: 999_999) == nil)

            let counts = try await store.changeCounts(
                ChangePageQuery(machine: "web1"), from: now, to: now.addingTimeInterval(5 * 3600), bucketSeconds: 7200)
            let start = Int64(now.timeIntervalSince1970) / 7200 * 7200
            #expect(counts.map(\.bucket).allSatisfy { ($0 - start) % 7200 == 0 })
            #expect(counts.reduce(0) { $0 + $1.count } == 5)
            #expect(Set(counts.map(\.type)) == [.files, .software])
            let slots = [
                ChangeSlot(type: .files, from: now, to: now.addingTimeInterval(5 * 3600)),
                ChangeSlot(type: .software, from: now, to: now.addingTimeInterval(2 * 3600)),
                ChangeSlot(type: .registry, from: now, to: now.addingTimeInterval(5 * 3600)),
            ]
            #expect(try await store.changeCounts(slots) == [4, 1, 0])
            #expect(try await store.changeCounts([]) == [])
            let span = try #require(try await store.changeSpan(ChangePageQuery(machine: "web1")))
            #expect(span == ChangeSpan(first: now, last: now.addingTimeInterval(4 * 3600)))
            #expect(try await store.changeSpan(ChangePageQuery(machine: "nope")) == nil)

            let all = try await store.machineList(subscription: nil, location: nil, offset: 0, limit: 10)
            #expect(all.rows.map(\.name) == ["db1", "web1"] && all.matching == 2 && all.total == 2)
            #expect(all.rows.last?.inventory == now && all.rows.last?.changeTracking == nil)
            let page = try await store.machineList(subscription: "s", location: "EastUS2", offset: 1, limit: 1)
            #expect(page.rows.map(\.name) == ["web1"] && page.matching == 2 && page.total == 2)
            let none = try await store.machineList(subscription: "other", location: "EastUS2", offset: 0, limit: 10)
            #expect(none.rows.isEmpty && none.matching == 0 && none.total == 2)
        }
    }
}
