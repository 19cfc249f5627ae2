/// The rule every name a user gives a resource follows (machines, accounts, workspaces, gateways,
/// schedules, tokens): names end up in terminal tables, file paths, URLs and log lines, so they
/// carry no control or invisible format characters, no path separators, no surrounding spaces,
/// and only valid UTF-8 (no U+FFFD from undecodable bytes).
public enum ResourceName {
    /// Longer names are refused; Azure's longest resource names (schedules) stop at 128.
    public static let maxLength = 128

    /// Why `name` is not acceptable as the name of a `kind` ("machine", "schedule"...), or nil.
    public static func problem(_ name: String, kind: String) -> String? {
        if name.isEmpty { return "\(kind) name is empty" }
        if name.count > maxLength {
            return "\(kind) name is \(name.count) characters long; the limit is \(maxLength)"
        }
        if name.unicodeScalars.contains("\u{FFFD}") {
            // What an invalid UTF-8 byte (`$'a\\xff'`) becomes when the argument is decoded.
            return "\(kind) name '\(TerminalText.escaped(name))' is not valid UTF-8 text "
                + "(it holds U+FFFD, the replacement for bytes that are not UTF-8)"
        }
        if let bad = name.unicodeScalars.first(where: TerminalText.isControl) {
            let what = bad.value <= 0x9F ? "control character" : "invisible format character"
            return "\(kind) name '\(TerminalText.escaped(name))' contains the \(what) "
                + "\(TerminalText.escaped(String(bad))); names are printable text"
        }
        if name.contains("/") || name.contains("\\") {
            return "\(kind) name '\(name)' contains a path separator ('/' or '\\')"
        }
        if name == "." || name == ".." { return "\(kind) name '\(name)' is not a name" }
        if name.first?.isWhitespace == true || name.last?.isWhitespace == true {
            return "\(kind) name '\(name)' starts or ends with a space"
        }
        return nil
    }
}
