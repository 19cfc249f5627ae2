import Foundation

/// A runbook as a resource of the account, as in Azure: a draft that authors edit and a
/// published version that jobs and schedules run. Publishing copies the draft's content and
/// records its digest and time.
public struct RunbookResource: Sendable, Hashable {
    /// One version of the content.
    public struct Version: Sendable, Hashable {
        public var content: String
        public var digest: String
        public var at: Date

        public init(content: String, digest: String, at: Date) {
            self.content = content
            self.digest = digest
            self.at = at
        }
    }

    /// Azure's RunbookState: New (never published), Edit (a draft differs from the published
    /// version), Published.
    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        case new = "New"
        case edit = "Edit"
        case published = "Published"
    }

    /// What a job that ran the published version records as its source.
    public static let publishedSource = "published"

    /// The one type this project runs; Azure's others are refused with the list.
    public static let supportedTypes = ["Yaml"]

    public var name: String
    public var type: String
    public var description: String
    public var logVerbose: Bool
    public var logProgress: Bool
    public var draft: Version?
    public var published: Version?
    /// Where the published content came from: a file path, or `api`.
    public var publishedFrom: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// Increases with every change (Azure's etag).
    public var version: Int

    public init(
        name: String, type: String = "Yaml", description: String = "", logVerbose: Bool = false,
        logProgress: Bool = false, draft: Version? = nil, published: Version? = nil, publishedFrom: String? = nil,
        createdAt: Date, updatedAt: Date, version: Int = 1
    ) {
        self.name = name
        self.type = type
        self.description = description
        self.logVerbose = logVerbose
        self.logProgress = logProgress
        self.draft = draft
        self.published = published
        self.publishedFrom = publishedFrom
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    public var state: State {
        guard let published else { return .new }
        if let draft, draft.digest != published.digest { return .edit }
        return .published
    }

    /// The published content as a runbook ready to run (it validated when it was published).
    public func loadedPublished() throws(DiagnosticError) -> LoadedRunbook? {
        guard let published else { return nil }
        return try RunbookLoader.load(content: published.content, label: Self.publishedSource)
    }
}
