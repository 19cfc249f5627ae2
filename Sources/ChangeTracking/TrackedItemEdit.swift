import Automation

/// A change to some fields of one tracked item, named by its current name. It is made on the
/// settings current when the change is saved, inside the same read-change-save as the rest of
/// the request, so a change another user saved meanwhile to other fields or items is kept.
public struct TrackedItemEdit: Sendable, Hashable {
    public var name: String
    /// A new name for the item (nil keeps it); it must not be another item's.
    public var rename: String?
    public var enabled: Bool?
    public var group: String?
    /// File items only.
    public var path: String?
    public var pathType: TrackedFile.PathType?
    public var recurse: Bool?
    public var links: LinkHandling?
    public var uploadContent: Bool?
    /// Registry items only.
    public var key: String?

    public init(
        name: String, rename: String? = nil, enabled: Bool? = nil, group: String? = nil, path: String? = nil,
        pathType: TrackedFile.PathType? = nil, recurse: Bool? = nil, links: LinkHandling? = nil,
        uploadContent: Bool? = nil, key: String? = nil
    ) {
        self.name = name
        self.rename = rename
        self.enabled = enabled
        self.group = group
        self.path = path
        self.pathType = pathType
        self.recurse = recurse
        self.links = links
        self.uploadContent = uploadContent
        self.key = key
    }

    /// The edited item, or why the edit cannot be made to these settings.
    enum Outcome {
        case file(TrackedFile)
        case registry(TrackedRegistryKey)
        case refused(String)
    }

    func outcome(on settings: TrackingSettings) -> Outcome {
        let names = settings.files.map(\.name) + settings.registry.map(\.name)
        if let rename, rename != name, names.contains(rename) {
            return .refused("cannot rename '\(name)' to '\(rename)': an item of that name is tracked already")
        }
        if var file = settings.files.first(where: { $0.name == name }) {
            if key != nil { return .refused("--key applies to registry items; '\(name)' is a file item") }
            file.name = rename ?? file.name
            file.enabled = enabled ?? file.enabled
            file.group = group ?? file.group
            file.path = path ?? file.path
            file.pathType = pathType ?? file.pathType
            file.recurse = recurse ?? file.recurse
            file.links = links ?? file.links
            file.uploadContent = uploadContent ?? file.uploadContent
            return .file(file)
        }
        if var item = settings.registry.first(where: { $0.name == name }) {
            if path != nil || pathType != nil || recurse != nil || links != nil || uploadContent != nil {
                return .refused("'\(name)' is a registry item; the path and the file options do not apply")
            }
            item.name = rename ?? item.name
            item.enabled = enabled ?? item.enabled
            item.group = group ?? item.group
            item.key = key ?? item.key
            return .registry(item)
        }
        return .refused("no tracked item named '\(name)'\(Suggestion.hint(for: name, among: names))")
    }
}
