/// A tracked item's path as segments below the machine's root, in canonical form: repeated
/// separators collapse and `.` segments drop, so `/./etc//hosts` and `/etc/hosts` are one key.
enum ItemPath {
    /// The segments, or nil when a `..` segment would climb (validation refuses those; a store
    /// written before that rule may still hold one). A Windows drive `C:` becomes the folder `C`.
    static func segments(_ path: String, windows: Bool) -> [String]? {
        let separators: Set<Character> = windows ? ["\\", "/"] : ["/"]
        var segments = path.split(whereSeparator: { separators.contains($0) }).map(String.init).filter { $0 != "." }
        guard !segments.contains("..") else { return nil }
        if windows, let drive = segments.first, drive.hasSuffix(":") { segments[0] = String(drive.dropLast()) }
        return segments
    }

    static func isPattern(_ segment: String) -> Bool {
        segment.contains("*") || segment.contains("?") || segment.contains("[")
    }
}
