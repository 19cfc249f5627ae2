import Automation
import AutomationStore
import Foundation

/// Runbooks as account resources: publish from files, drafts and publishing through the API,
/// and the version a job runs.
extension AutomationService {
    /// What publishing one file did.
    public struct Published: Sendable {
        public var runbook: RunbookResource
        /// False when the published version already had this content.
        public var changed: Bool
    }

    /// Publishes runbook files: each is validated first (all problems reported), then every
    /// valid one is published. A folder publishes its `*.yaml` files.
    public func publish(paths: [String]) async throws(ServiceError) -> [Published] {
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw .invalid("'\(path)' does not exist", target: path)
            }
            if isFolder.boolValue {
                let library = RunbookLibrary(folder: path)
                files += library.names().map(library.path(for:))
            } else {
                files.append(path)
            }
        }
        var loaded: [LoadedRunbook] = []
        var diagnostics: [Diagnostic] = []
        for file in files {
            do {
                loaded.append(try RunbookLoader.load(path: file))
            } catch {
                diagnostics += error.diagnostics
            }
        }
        guard diagnostics.isEmpty else {
            throw .invalid("nothing was published: fix these first", diagnostics: diagnostics)
        }
        var published: [Published] = []
        for runbook in loaded { published.append(try await publish(runbook, from: runbook.path)) }
        return published
    }

    /// Publishes validated content; a runbook whose published digest is the same is left as it is.
    /// On the embedded store in one transaction; on a shared store (PostgreSQL) in the API's
    /// steps: the resource, its draft, the draft published.
    public func publish(_ loaded: LoadedRunbook, from source: String) async throws(ServiceError) -> Published {
        guard embedded != nil else { return try await publishThroughDraft(loaded, from: source) }
        return try publishEmbedded(loaded, from: source)
    }

    private func publishThroughDraft(_ loaded: LoadedRunbook, from source: String) async throws(ServiceError)
        -> Published
    {
        let name = loaded.runbook.name
        do {
            if let existing = try await runbookStore.runbookResource(named: name),
                existing.published?.digest == loaded.digest, existing.draft == nil
            {
                return Published(runbook: existing, changed: false)
            }
            _ = try await runbookStore.saveRunbook(
                name: name, type: "Yaml", description: loaded.runbook.description,
                logVerbose: loaded.runbook.logVerbose, logProgress: loaded.runbook.logProgress, at: now())
            _ = try await runbookStore.saveDraft(
                runbook: name, content: loaded.content, digest: loaded.digest, at: now())
            guard let stored = try await runbookStore.publishDraft(runbook: name, from: source, at: now()) else {
                throw ServiceError.notFound(kind: "runbook", name: name, hint: " (deleted while it was published)")
            }
            return Published(runbook: stored, changed: true)
        } catch {
            throw Self.storeError(error)
        }
    }

    private func publishEmbedded(_ loaded: LoadedRunbook, from source: String) throws(ServiceError) -> Published {
        do {
            if let existing = try store.runbookResource(named: loaded.runbook.name),
                existing.published?.digest == loaded.digest, existing.draft == nil
            {
                return Published(runbook: existing, changed: false)
            }
            let stored = try store.publishRunbook(
                loaded, description: loaded.runbook.description, from: source, at: now())
            return Published(runbook: stored, changed: true)
        } catch let error as StoreError {
            throw .from(error)
        } catch {
            throw .invalid("\(error)")
        }
    }

    /// `publishUnpublished` for the embedded store's default setup, which is synchronous (it
    /// runs as the store opens).
    func publishUnpublishedEmbedded(from library: RunbookLibrary) -> [Published] {
        Self.defaultRunbooks(library).compactMap { name, load -> Published? in
            guard (try? store.runbookResource(named: name))?.flatMap(\.published) == nil, let loaded = load()
            else { return nil }
            return try? publishEmbedded(loaded, from: loaded.path)
        }
    }

    /// The runbooks a new account starts with: the folder's, or where the folder holds none (the
    /// binary run outside the repository), the ones the binary ships.
    static func defaultRunbooks(_ library: RunbookLibrary) -> [(String, () -> LoadedRunbook?)] {
        let names = library.names()
        guard names.isEmpty else { return names.map { name in (name, { try? library.load(name) }) } }
        return ShippedRunbooks.names.map { name in (name, { try? ShippedRunbooks.load(name) }) }
    }

    /// The shipped runbooks of a folder that are not published yet (the default setup, `init`
    /// and `apply`): an author's later edits are published explicitly, never behind their back.
    public func publishUnpublished(from library: RunbookLibrary) async -> [Published] {
        var published: [Published] = []
        for (name, load) in Self.defaultRunbooks(library) {
            guard (try? await runbookStore.runbookResource(named: name))?.flatMap(\.published) == nil,
                let loaded = load(),
                let item = try? await publish(loaded, from: loaded.path)
            else { continue }
            published.append(item)
        }
        return published
    }

    public func runbook(named name: String) async throws(ServiceError) -> RunbookResource {
        let found: RunbookResource?
        do {
            found = try await runbookStore.runbookResource(named: name)
        } catch {
            throw Self.storeError(error)
        }
        guard let found else {
            let names = (try? await runbookStore.runbookNames()) ?? []
            throw .notFound(kind: "runbook", name: name, hint: Suggestion.hint(for: name, among: names))
        }
        return found
    }

    /// Every runbook's name, sorted.
    public func runbookNames() throws(ServiceError) -> [String] {
        try storeCall { try store.runbookNames() }
    }

    public func runbooks(after: String? = nil, limit: Int = 1000) async throws(ServiceError) -> [RunbookResource] {
        do {
            return try await runbookStore.runbookResources(after: after, limit: limit)
        } catch {
            throw Self.storeError(error)
        }
    }

    public func deleteRunbook(named name: String) async throws(ServiceError) {
        let deleted: Bool
        do {
            deleted = try await runbookStore.deleteRunbook(named: name)
        } catch {
            throw Self.storeError(error)
        }
        if !deleted {
            // Names the runbook with a suggestion (or says it was deleted meanwhile).
            _ = try await runbook(named: name)
        }
    }

    /// The published version ready to run; not published is an error that says how to publish.
    public func publishedRunbook(named name: String) async throws(ServiceError) -> LoadedRunbook {
        let resource = try await runbook(named: name)
        do {
            guard let loaded = try resource.loadedPublished() else {
                throw ServiceError.invalid(
                    "runbook '\(name)' is not published; publish it first (runbook publish FILE, or publish its draft)",
                    target: "runbook")
            }
            return loaded
        } catch let error as ServiceError {
            throw error
        } catch {
            throw .invalid("the published version of runbook '\(name)' no longer loads: \(error)")
        }
    }

    static func storeError(_ error: any Error) -> ServiceError {
        if let error = error as? StoreError { return .from(error) }
        if let error = error as? ServiceError { return error }
        return .invalid("\(error)")
    }
}

/// Authoring through the API: create, replace the draft, publish the draft.
extension AutomationService {
    /// Azure's rule for runbook names: a letter first, then letters, digits, `-` and `_`, at most 63.
    public static func runbookNameProblem(_ name: String) -> String? {
        let allowed = name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
        }
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first),
            allowed, name.count <= 63
        else {
            return "runbook name \(Quoted.clip(name)) is not valid: it starts with a letter and holds only letters, "
                + "digits, '-' and '_' (at most 63 characters)"
        }
        return nil
    }

    public func saveRunbook(
        name: String, type: String, description: String?, logVerbose: Bool?, logProgress: Bool?
    ) async throws(ServiceError) -> (RunbookResource, created: Bool) {
        if let problem = Self.runbookNameProblem(name) { throw .invalid(problem, target: "name") }
        guard let supported = RunbookResource.supportedTypes.first(where: { $0.lowercased() == type.lowercased() })
        else {
            throw .invalid(
                "Runbook type \(Quoted.clip(type)) is not supported; supported types: "
                    + RunbookResource.supportedTypes.joined(separator: ", ")
                    + " (YAML runbooks, see docs/RUNBOOKS.md)", target: "properties.runbookType")
        }
        do {
            let (runbook, outcome) = try await runbookStore.saveRunbook(
                name: name, type: supported, description: description, logVerbose: logVerbose,
                logProgress: logProgress, at: now())
            return (runbook, outcome == .created)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// Validates the content (every located problem in the error) and stores it as the draft.
    public func replaceDraft(runbook name: String, content: String) async throws(ServiceError) {
        _ = try await runbook(named: name)
        let bytes = Array(content.utf8)
        do {
            _ = try RunbookLoader.parse(bytes, label: name, expectedName: name)
        } catch {
            throw .invalid(
                "the runbook content is not valid: "
                    + error.diagnostics.map { "\($0.mark.line):\($0.mark.column): \($0.message)" }.joined(
                        separator: "; "),
                target: "content", diagnostics: [])
        }
        do {
            _ = try await runbookStore.saveDraft(
                runbook: name, content: content, digest: ContentDigest.sha256Hex(bytes), at: now())
        } catch {
            throw Self.storeError(error)
        }
    }

    public func publishDraft(runbook name: String) async throws(ServiceError) -> RunbookResource {
        _ = try await runbook(named: name)
        do {
            guard let published = try await runbookStore.publishDraft(runbook: name, from: "api", at: now()) else {
                throw ServiceError.notFound(kind: "runbook", name: name, hint: "")
            }
            return published
        } catch let error as ServiceError {
            throw error
        } catch {
            throw Self.storeError(error)
        }
    }
}
