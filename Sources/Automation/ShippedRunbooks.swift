/// The runbooks the project ships (runbooks/*.yaml), carried in the binary: a store set up where
/// no runbooks folder is (the binary run from another folder, a PostgreSQL node) publishes these,
/// so `runbook run enable-tracking` works from any folder.
public enum ShippedRunbooks {
    /// Names, sorted.
    public static var names: [String] { texts.keys.sorted() }

    /// A runbook's text as in runbooks/NAME.yaml, or nil when none is shipped by that name.
    public static func text(_ name: String) -> String? {
        texts[name].map { $0 + "\n" }
    }

    /// A shipped runbook, loaded and validated as a file would be (its label says where it came
    /// from in any diagnostic).
    public static func load(_ name: String) throws(DiagnosticError) -> LoadedRunbook? {
        guard let text = text(name) else { return nil }
        let bytes = Array(text.utf8)
        let label = "(shipped) \(name).yaml"
        let runbook = try RunbookLoader.parse(bytes, label: label, expectedName: name)
        return LoadedRunbook(runbook: runbook, path: label, content: text, digest: ContentDigest.sha256Hex(bytes))
    }
}
