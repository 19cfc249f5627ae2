import Automation
import Foundation

/// What a configure-tracking step asks for.
public struct ConfigurationRequest: Sendable {
    public var account: String?
    public var files: [TrackedFile]
    public var registry: [TrackedRegistryKey]
    public var enableDefaultRegistryKeys: Bool
    public var remove: [String]
    public var servicesFrequency: Duration?
    /// Changes to some fields of existing items, made on the settings current at the save.
    public var edits: [TrackedItemEdit]

    public init(
        account: String? = nil, files: [TrackedFile] = [], registry: [TrackedRegistryKey] = [],
        enableDefaultRegistryKeys: Bool = false, remove: [String] = [], servicesFrequency: Duration? = nil,
        edits: [TrackedItemEdit] = []
    ) {
        self.account = account
        self.files = files
        self.registry = registry
        self.enableDefaultRegistryKeys = enableDefaultRegistryKeys
        self.remove = remove
        self.servicesFrequency = servicesFrequency
        self.edits = edits
    }
}

/// Changes an account's tracked items: refusals per the limits profile, a new settings version.
public struct TrackingConfiguration: Sendable {
    let store: any TrackingStoring
    let now: @Sendable () -> Date

    public init(store: any TrackingStoring, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.now = now
    }

    /// How often a change is re-read and re-applied when other changes keep being saved first.
    static let maxSaveAttempts = 8

    /// The request with its edits made into whole items of these settings (a renamed item's
    /// old name removed); each edit that cannot be made adds a problem.
    static func resolvingEdits(
        _ request: ConfigurationRequest, on settings: TrackingSettings, problems: inout [String]
    ) -> ConfigurationRequest {
        var resolved = request
        resolved.edits = []
        for edit in request.edits {
            switch edit.outcome(on: settings) {
            case .file(let file):
                resolved.files.append(file)
                if file.name != edit.name { resolved.remove.append(edit.name) }
            case .registry(let key):
                resolved.registry.append(key)
                if key.name != edit.name { resolved.remove.append(edit.name) }
            case .refused(let problem): problems.append(problem)
            }
        }
        return resolved
    }

    /// The settings with the request's changes made.
    static func applying(_ request: ConfigurationRequest, to current: TrackingSettings) -> TrackingSettings {
        var settings = current
        settings.files.removeAll { item in request.remove.contains(item.name) }
        settings.registry.removeAll { item in request.remove.contains(item.name) }
        for file in request.files {
            settings.files.removeAll { $0.name == file.name }
            settings.files.append(file)
        }
        if request.enableDefaultRegistryKeys {
            let defaults = Set(AzureDefaults.registryKeys.map(\.key))
            for index in settings.registry.indices where defaults.contains(settings.registry[index].key) {
                settings.registry[index].enabled = true
            }
        }
        for key in request.registry {
            settings.registry.removeAll { $0.name == key.name }
            settings.registry.append(key)
        }
        if let frequency = request.servicesFrequency {
            settings.frequencies["WindowsServices"] = Int(frequency.components.seconds)
        }
        return settings
    }

    /// Applies the request; returns false (with Error lines) when anything is refused, and then stores nothing.
    public func apply(_ request: ConfigurationRequest, jobId: String?, sink: some StreamSink) async throws -> Bool {
        guard let account = try await store.account(namedOrDefault: request.account) else {
            await sink.write(.error, "no Automation account '\(request.account ?? "(default)")'")
            return false
        }
        let profile = account.account.profile
        var requestProblems: [String] = []
        if let frequency = request.servicesFrequency {
            let seconds = Int(frequency.components.seconds)
            if !AzureDefaults.servicesFrequencyRange.contains(seconds) {
                requestProblems.append(
                    "services frequency \(DurationText.format(frequency)) is outside Azure's 10s to 30m")
            }
        }
        // Read, change, save on the condition that no other change was saved meanwhile (another
        // node's configure step, another user's edit): a lost update would drop that change silently.
        var saved: (settings: TrackingSettings, version: Int)?
        for _ in 0..<Self.maxSaveAttempts {
            let current = try await store.trackingSettings(account: account.account.name)
            var problems = requestProblems
            let resolved = Self.resolvingEdits(request, on: current.settings, problems: &problems)
            for file in resolved.files {
                problems += TrackingRules.problems(file, profile: profile).map { "file item '\(file.name)': \($0)" }
            }
            for key in resolved.registry {
                problems += TrackingRules.problems(key, profile: profile).map { "registry item '\(key.name)': \($0)" }
            }
            let known = Set(
                current.settings.files.map(\.name) + current.settings.registry.map(\.name) + request.files.map(\.name)
                    + request.registry.map(\.name))
            for name in request.remove where !known.contains(name) {
                problems.append(
                    "no tracked item named '\(name)' to remove\(Suggestion.hint(for: name, among: Array(known)))")
            }
            guard problems.isEmpty else {
                for problem in problems { await sink.write(.error, problem) }
                return false
            }
            let settings = Self.applying(resolved, to: current.settings)
            if let version = try await store.saveTrackingSettings(
                settings, account: account.account.name, basedOn: current.version, jobId: jobId, at: now())
            {
                saved = (settings, version)
                break
            }
        }
        guard let (settings, version) = saved else {
            await sink.write(
                .error,
                "the tracking settings of '\(account.account.name)' kept changing under this change "
                    + "\(Self.maxSaveAttempts) times (other configure steps at once); nothing was stored, run it again")
            return false
        }
        let enabledFiles = settings.files.filter(\.enabled).count
        let enabledKeys = settings.registry.filter(\.enabled).count
        await sink.write(
            .output,
            "Tracking settings version \(version) for account \(account.account.name): \(enabledFiles) file item(s), "
                + "\(enabledKeys) of \(settings.registry.count) registry key(s) enabled")
        return true
    }
}
