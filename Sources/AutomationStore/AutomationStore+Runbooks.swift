import Automation
import Foundation
import GRDB

/// Runbooks as account resources: a draft and a published version. Each change is one
/// transaction and bumps `version` (the etag). Content is kept as UTF-8 bytes.
extension AutomationStore {
    public func runbookResource(named name: String) throws -> RunbookResource? {
        try writer.read { db in try Self.fetchRunbook(name, db) }
    }

    public func runbookResource(named name: String) async throws -> RunbookResource? {
        try await asyncRead { db in try Self.fetchRunbook(name, db) }
    }

    /// Runbooks by name, from the first name after `after` (paging); an unreadable row is
    /// reported and skipped.
    public func runbookResources(after: String? = nil, limit: Int = 1000) async throws -> [RunbookResource] {
        try await asyncRead { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM runbook WHERE name > ? ORDER BY name LIMIT ?",
                arguments: [after ?? "", max(1, limit)])
            return self.readable(rows, table: "runbook", key: "name", Self.runbook)
        }
    }

    /// Creates a runbook (no content yet) or updates its properties; the content is untouched.
    @discardableResult
    public func saveRunbook(
        name: String, type: String, description: String?, logVerbose: Bool?, logProgress: Bool?, at now: Date
    ) async throws -> (RunbookResource, RunbookSaveOutcome) {
        try await asyncWrite { db in
            if var existing = try Self.fetchRunbook(name, db) {
                existing.type = type
                existing.description = description ?? existing.description
                existing.logVerbose = logVerbose ?? existing.logVerbose
                existing.logProgress = logProgress ?? existing.logProgress
                try db.execute(
                    sql: """
                        UPDATE runbook SET runbookType = ?, description = ?, logVerbose = ?, logProgress = ?,
                            updatedAt = ?, version = version + 1 WHERE name = ?
                        """,
                    arguments: [type, existing.description, existing.logVerbose, existing.logProgress, now, name])
                return (try Self.fetchRunbook(name, db) ?? existing, .updated)
            }
            try db.execute(
                sql: """
                    INSERT INTO runbook (name, runbookType, description, logVerbose, logProgress, createdAt,
                        updatedAt, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1)
                    """,
                arguments: [name, type, description ?? "", logVerbose ?? false, logProgress ?? false, now, now])
            guard let created = try Self.fetchRunbook(name, db) else {
                throw StoreError.invalid("runbook '\(name)' was not stored")
            }
            return (created, .created)
        }
    }

    /// Replaces the draft's content (already validated by the caller). False: no such runbook.
    public func saveDraft(runbook name: String, content: String, digest: String, at now: Date) async throws -> Bool {
        try await asyncWrite { db in
            try db.execute(
                sql: """
                    UPDATE runbook SET draftContent = ?, draftDigest = ?, draftUpdatedAt = ?, updatedAt = ?,
                        version = version + 1 WHERE name = ?
                    """,
                arguments: [Data(content.utf8), digest, now, now, name])
            return db.changesCount == 1
        }
    }

    /// Publishes the draft: it becomes the published version and the draft is cleared, as in
    /// Azure. Nil: no such runbook; throws when there is no draft to publish.
    public func publishDraft(runbook name: String, from source: String, at now: Date) async throws -> RunbookResource? {
        try await asyncWrite { db in
            guard let runbook = try Self.fetchRunbook(name, db) else { return nil }
            guard let draft = runbook.draft else {
                throw StoreError.invalid(
                    "runbook '\(name)' has no draft to publish; replace its draft content first")
            }
            try Self.writePublished(name, draft.content, draft.digest, source, now, db)
            return try Self.fetchRunbook(name, db)
        }
    }

    /// Creates or updates a runbook and publishes `content` in one transaction (the command
    /// line's `runbook publish FILE` and the default setup).
    @discardableResult
    public func publishRunbook(
        _ loaded: LoadedRunbook, description: String, from source: String, at now: Date
    ) throws -> RunbookResource {
        try writer.write { db in try Self.publish(loaded, description: description, from: source, at: now, db: db) }
    }

    static func publish(
        _ loaded: LoadedRunbook, description: String, from source: String, at now: Date, db: Database
    ) throws -> RunbookResource {
        let name = loaded.runbook.name
        if try Self.fetchRunbook(name, db) == nil {
            try db.execute(
                sql: """
                    INSERT INTO runbook (name, runbookType, description, logVerbose, logProgress, createdAt,
                        updatedAt, version) VALUES (?, 'Yaml', ?, ?, ?, ?, ?, 1)
                    """,
                arguments: [name, description, loaded.runbook.logVerbose, loaded.runbook.logProgress, now, now])
        } else {
            try db.execute(
                sql: "UPDATE runbook SET description = ?, logVerbose = ?, logProgress = ? WHERE name = ?",
                arguments: [description, loaded.runbook.logVerbose, loaded.runbook.logProgress, name])
        }
        try writePublished(name, loaded.content, loaded.digest, source, now, db)
        guard let stored = try fetchRunbook(name, db) else { throw StoreError.invalid("runbook '\(name)' vanished") }
        return stored
    }

    private static func writePublished(
        _ name: String, _ content: String, _ digest: String, _ source: String, _ now: Date, _ db: Database
    ) throws {
        try db.execute(
            sql: """
                UPDATE runbook SET publishedContent = ?, publishedDigest = ?, publishedAt = ?, publishedFrom = ?,
                    draftContent = NULL, draftDigest = NULL, draftUpdatedAt = NULL, updatedAt = ?,
                    version = version + 1 WHERE name = ?
                """,
            arguments: [Data(content.utf8), digest, now, source, now, name])
    }

    /// Deletes a runbook resource; its past jobs keep the content they ran. False: none.
    public func deleteRunbook(named name: String) async throws -> Bool {
        try await asyncWrite { db in
            try db.execute(sql: "DELETE FROM runbook WHERE name = ?", arguments: [name])
            return db.changesCount == 1
        }
    }

    public func runbookNames() throws -> [String] {
        try writer.read(Self.runbookNames)
    }

    static func runbookNames(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT name FROM runbook ORDER BY name")
    }

    static func fetchRunbook(_ name: String, _ db: Database) throws -> RunbookResource? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM runbook WHERE name = ?", arguments: [name]) else {
            return nil
        }
        do {
            return try runbook(row)
        } catch {
            throw StoreError.unreadable(unreadable(row, table: "runbook", key: "name", error))
        }
    }

    static func runbook(_ row: Row) throws -> RunbookResource {
        let stored = StoredRow(row)
        func version(_ prefix: String, _ time: String) throws -> RunbookResource.Version? {
            guard let content = try stored.optionalText(prefix + "Content") else { return nil }
            return RunbookResource.Version(
                content: content, digest: try stored.text(prefix + "Digest"), at: try stored.date(time))
        }
        return RunbookResource(
            name: try stored.text("name"), type: try stored.text("runbookType"),
            description: try stored.text("description"), logVerbose: try stored.bool("logVerbose"),
            logProgress: try stored.bool("logProgress"), draft: try version("draft", "draftUpdatedAt"),
            published: try version("published", "publishedAt"), publishedFrom: try stored.optionalText("publishedFrom"),
            createdAt: try stored.date("createdAt"), updatedAt: try stored.date("updatedAt"),
            version: try stored.integer("version"))
    }
}
