import Automation
import Foundation
import Testing

/// Runbooks, schedules and tokens: the rest of the contract.
extension StoreContractTests {
    static let digest = String(repeating: "b", count: 64)

    @Test(arguments: StoreKind.available) func runbookDraftsPublishAndVersions(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            let (created, outcome) = try await store.saveRunbook(
                name: "hello", type: "Yaml", description: "says hello", logVerbose: nil, logProgress: true, at: now)
            #expect(outcome == .created)
            #expect(created.version == 1)
            #expect(created.description == "says hello")
            #expect(created.logVerbose == false && created.logProgress == true)
            #expect(created.draft == nil && created.published == nil)
            let later = now.addingTimeInterval(60)
            let (updated, again) = try await store.saveRunbook(
                name: "hello", type: "Yaml", description: nil, logVerbose: true, logProgress: nil, at: later)
            #expect(again == .updated)
            #expect(updated.version == 2)
            #expect(updated.description == "says hello")  // nil keeps what was stored
            #expect(updated.logVerbose == true && updated.logProgress == true)
            #expect(updated.createdAt == now && updated.updatedAt == later)

            #expect(try await store.saveDraft(runbook: "nope", content: "x", digest: Self.digest, at: later) == false)
            await #expect(throws: StoreError.self) {
                try await store.publishDraft(runbook: "hello", from: "api", at: later)  // no draft yet
            }
            #expect(try await store.publishDraft(runbook: "nope", from: "api", at: later) == nil)
            let content = "name: hello\u{0}with NUL"
            #expect(try await store.saveDraft(runbook: "hello", content: content, digest: Self.digest, at: later))
            #expect(try await store.runbookResource(named: "hello")?.draft?.content == content)
            let published = try #require(try await store.publishDraft(runbook: "hello", from: "api", at: later))
            #expect(published.draft == nil)
            #expect(published.published == RunbookResource.Version(content: content, digest: Self.digest, at: later))
            #expect(published.publishedFrom == "api")
            #expect(published.version == 4)

            _ = try await store.saveRunbook(
                name: "b-second", type: "Yaml", description: nil, logVerbose: nil, logProgress: nil, at: now)
            #expect(try await store.runbookNames() == ["b-second", "hello"])
            #expect(try await store.runbookResources(after: nil, limit: 1).map(\.name) == ["b-second"])
            #expect(try await store.runbookResources(after: "b-second", limit: 10).map(\.name) == ["hello"])
            #expect(try await store.deleteRunbook(named: "hello"))
            #expect(try await store.deleteRunbook(named: "hello") == false)
            #expect(try await store.runbookResource(named: "hello") == nil)
        }
    }

    @Test(arguments: StoreKind.available) func concurrentDraftsEachGetTheirOwnVersion(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            _ = try await store.saveRunbook(
                name: "busy", type: "Yaml", description: nil, logVerbose: nil, logProgress: nil, at: now)
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await store.saveDraft(
                            runbook: "busy", content: "name: busy # \(index)", digest: Self.digest, at: Self.now)
                    }
                }
                for try await saved in group { #expect(saved) }
            }
            #expect(try await store.runbookResource(named: "busy")?.version == 11)
        }
    }

    static func schedule(_ name: String, enabled: Bool = true) -> Schedule {
        Schedule(
            name: name,
            recurrence: Recurrence(frequency: .hour, interval: 2, startTime: now),
            enabled: enabled, links: [ScheduleLink(runbook: "hello")])
    }

    @Test(arguments: StoreKind.available) func schedulesAreCreatedReplacedAndDeleted(kind: StoreKind) async throws {
        try await kind.withStore { store async throws in
            #expect(try await store.schedules().isEmpty)
            try await store.saveSchedule(Self.schedule("nightly"), replace: false, at: now)
            try await store.saveSchedule(Self.schedule("hourly"), replace: false, at: now)
            await #expect(throws: StoreError.self) {
                try await store.saveSchedule(Self.schedule("nightly"), replace: false, at: now)
            }
            var changed = Self.schedule("nightly")
            changed.description = "changed"
            try await store.saveSchedule(changed, replace: true, at: now)
            #expect(try await store.schedule(named: "nightly") == changed)
            #expect(try await store.scheduleNames() == ["hourly", "nightly"])
            #expect(try await store.schedules().map(\.name) == ["hourly", "nightly"])
            #expect(try await store.setScheduleEnabled("nightly", false, at: now))
            #expect(try await store.schedule(named: "nightly")?.enabled == false)
            #expect(try await store.setScheduleEnabled("nope", false, at: now) == false)
            #expect(try await store.deleteSchedule(named: "nightly"))
            #expect(try await store.deleteSchedule(named: "nightly") == false)
            #expect(try await store.schedule(named: "nightly") == nil)
        }
    }

    @Test(arguments: StoreKind.available) func tokensAreRevokedOnceAndMarkedUsedConditionally(kind: StoreKind)
        async throws
    {
        try await kind.withStore { store async throws in
            let token = TokenInfo(id: "abc123", name: "ci", role: .contributor, createdAt: now)
            try await store.createToken(token, secretHash: Self.digest)
            await #expect(throws: StoreError.self) {
                try await store.createToken(
                    TokenInfo(id: "other", name: "ci", role: .reader, createdAt: now), secretHash: Self.digest)
            }
            #expect(try await store.tokens() == [token])
            #expect(
                try await store.tokenCredential(id: "abc123") == TokenCredential(token: token, secretHash: Self.digest))
            #expect(try await store.tokenCredential(id: "nope") == nil)

            let used = now.addingTimeInterval(10)
            #expect(try await store.markTokenUsed(id: "abc123", at: used, unlessUsedAfter: now))
            // Another request recorded a use after `since`: nothing changes.
            #expect(try await store.markTokenUsed(id: "abc123", at: used, unlessUsedAfter: now) == false)
            #expect(try await store.tokens().first?.lastUsedAt == used)

            let revoked = now.addingTimeInterval(20)
            #expect(try await store.revokeToken(named: "ci", at: revoked))
            #expect(try await store.revokeToken(named: "ci", at: revoked.addingTimeInterval(5)))
            #expect(try await store.tokens().first?.revokedAt == revoked)  // the first time is kept
            #expect(try await store.revokeToken(named: "nope", at: revoked) == false)
        }
    }
}
