/// Reads `/etc/os-release` text (KEY=VALUE lines, values optionally quoted).
public enum OSRelease {
    public static func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            var value = line[line.index(after: equals)...]
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            fields[String(line[..<equals])] = String(value)
        }
        return fields
    }

    /// The catalog-style name of the OS described by os-release text, e.g. `Debian 12`.
    public static func catalogName(_ text: String) -> String? {
        let fields = fields(text)
        guard let id = fields["ID"], let version = fields["VERSION_ID"] else { return nil }
        return OSCatalog.fromOSRelease(id: id, versionID: version)
    }
}
