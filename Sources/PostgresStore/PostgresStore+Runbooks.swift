import Automation
import Foundation
import PostgresNIO

/// Runbooks as account resources. Every change is one statement that bumps `version` (the etag)
/// in the UPDATE itself, so concurrent writers each get their own version.
extension PostgresStore: RunbookStoring {
    public func runbookResource(named name: String) async throws -> RunbookResource? {
        guard let row = try await rows("SELECT * FROM runbook WHERE name = \(name)").first else { return nil }
        return try readOne(row, table: "runbook", key: "name", Self.runbook)
    }

    public func runbookResources(after: String?, limit: Int) async throws -> [RunbookResource] {
        let rows = try await rows(
            "SELECT * FROM runbook WHERE name > \(after ?? "") ORDER BY name LIMIT \(max(1, limit))")
        return readable(rows, table: "runbook", key: "name", Self.runbook)
    }

    public func runbookNames() async throws -> [String] {
        try await rows("SELECT name FROM runbook ORDER BY name").map { try $0.decode(String.self) }
    }

    /// One upsert: created with version 1, or its properties updated (a nil keeps the stored
    /// value) with the version bumped; `xmax = 0` tells an inserted row from an updated one.
    public func saveRunbook(
        name: String, type: String, description: String?, logVerbose: Bool?, logProgress: Bool?, at now: Date
    ) async throws -> (RunbookResource, RunbookSaveOutcome) {
        let rows = try await rows(
            """
            INSERT INTO runbook (name, runbook_type, description, log_verbose, log_progress, created_at, updated_at,
                version)
            VALUES (\(name), \(type), \(description ?? ""), \(logVerbose ?? false), \(logProgress ?? false), \(now),
                \(now), 1)
            ON CONFLICT (name) DO UPDATE SET runbook_type = excluded.runbook_type,
                description = COALESCE(\(description), runbook.description),
                log_verbose = COALESCE(\(logVerbose), runbook.log_verbose),
                log_progress = COALESCE(\(logProgress), runbook.log_progress),
                updated_at = excluded.updated_at, version = runbook.version + 1
            RETURNING *, (xmax = 0) AS inserted
            """)
        guard let row = rows.first else { throw StoreError.invalid("runbook '\(name)' was not stored") }
        return try readOne(row, table: "runbook", key: "name") { columns in
            (try Self.runbook(columns), try columns.bool("inserted") ? .created : .updated)
        }
    }

    public func saveDraft(runbook name: String, content: String, digest: String, at now: Date) async throws -> Bool {
        try await !rows(
            """
            UPDATE runbook SET draft_content = \(Data(content.utf8)), draft_digest = \(digest),
                draft_updated_at = \(now), updated_at = \(now), version = version + 1
            WHERE name = \(name) RETURNING 1
            """
        ).isEmpty
    }

    /// A conditional UPDATE (only a runbook with a draft); when it changes nothing, a read says
    /// whether the runbook is missing or has no draft.
    public func publishDraft(runbook name: String, from source: String, at now: Date) async throws -> RunbookResource? {
        let rows = try await rows(
            """
            UPDATE runbook SET published_content = draft_content, published_digest = draft_digest,
                published_at = \(now), published_from = \(source), draft_content = NULL, draft_digest = NULL,
                draft_updated_at = NULL, updated_at = \(now), version = version + 1
            WHERE name = \(name) AND draft_content IS NOT NULL
            RETURNING *
            """)
        if let row = rows.first { return try readOne(row, table: "runbook", key: "name", Self.runbook) }
        guard try await runbookResource(named: name) != nil else { return nil }
        throw StoreError.invalid("runbook '\(name)' has no draft to publish; replace its draft content first")
    }

    public func deleteRunbook(named name: String) async throws -> Bool {
        try await !rows("DELETE FROM runbook WHERE name = \(name) RETURNING 1").isEmpty
    }

    static func runbook(_ row: StoredColumns) throws -> RunbookResource {
        func version(_ prefix: String, _ time: String) throws -> RunbookResource.Version? {
            guard let content = try row.optionalBytesText(prefix + "_content") else { return nil }
            return RunbookResource.Version(
                content: content, digest: try row.text(prefix + "_digest"), at: try row.date(time))
        }
        return RunbookResource(
            name: try row.text("name"), type: try row.text("runbook_type"), description: try row.text("description"),
            logVerbose: try row.bool("log_verbose"), logProgress: try row.bool("log_progress"),
            draft: try version("draft", "draft_updated_at"), published: try version("published", "published_at"),
            publishedFrom: try row.optionalText("published_from"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at"), version: try row.integer("version"))
    }
}
