import Automation

/// Installed packages from a dpkg status file (`var/lib/dpkg/status`), read as `dpkg-query` does:
/// stanzas separated by blank lines, `Field: value`, continuation lines start with a space.
public enum DpkgStatus {
    public struct Package: Sendable, Hashable {
        public var name: String
        public var version: String
        public var architecture: String
        public var maintainer: String
        public var status: String
    }

    /// Installed packages and a warning for each malformed stanza (with its line number).
    public static func parse(_ text: String, file: String) -> (packages: [Package], warnings: [String]) {
        var packages: [Package] = []
        var warnings: [String] = []
        var fields: [String: String] = [:]
        var stanzaLine = 1
        var lastField: String?
        var malformed: String?

        func finish() {
            defer {
                fields = [:]
                lastField = nil
                malformed = nil
            }
            guard !fields.isEmpty || malformed != nil else { return }
            if let malformed {
                warnings.append("\(file):\(stanzaLine): malformed stanza skipped: \(malformed)")
                return
            }
            guard let name = fields["Package"], let status = fields["Status"] else {
                warnings.append("\(file):\(stanzaLine): stanza without Package or Status skipped")
                return
            }
            // Only what dpkg calls installed counts as inventory.
            guard status.hasSuffix(" installed") else { return }
            packages.append(
                Package(
                    name: name, version: fields["Version"] ?? "", architecture: fields["Architecture"] ?? "",
                    maintainer: fields["Maintainer"] ?? "", status: status))
        }

        var lineNumber = 0
        for line in TextLines.split(text) {
            lineNumber += 1
            if line.isEmpty {
                finish()
                stanzaLine = lineNumber + 1
                continue
            }
            if line.first == " " || line.first == "\t" {
                if lastField == nil && malformed == nil { malformed = "line \(lineNumber) continues no field" }
                continue
            }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                if malformed == nil { malformed = "line \(lineNumber) is not 'Field: value'" }
                continue
            }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].drop(while: { $0 == " " })
            fields[name] = String(value)
            lastField = name
        }
        finish()
        return (packages, warnings)
    }

    static func items(_ packages: [Package]) -> [InventoryItem] {
        packages.map { package in
            InventoryItem(
                type: .software, key: package.name,
                fields: [
                    "SoftwareName": package.name, "CurrentVersion": package.version,
                    "Architecture": package.architecture, "Publisher": package.maintainer, "SoftwareType": "Package",
                ])
        }
    }
}
