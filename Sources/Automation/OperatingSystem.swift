public enum OSFamily: String, Sendable, Hashable, CaseIterable, Codable {
    case windows, linux
}

/// An operating system Change Tracking and Inventory supports.
public struct OperatingSystem: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let family: OSFamily

    public var description: String { name }

    /// Finds a supported OS by name, ignoring case and repeated spaces.
    public init?(_ text: String) {
        let key = Self.normalise(text)
        guard let match = OSCatalog.supported.first(where: { Self.normalise($0.name) == key }) else { return nil }
        self = match
    }

    init(known name: String, family: OSFamily) {
        self.name = name
        self.family = family
    }

    static func normalise(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }
}

/// The supported operating systems (docs/AZURE.md).
public enum OSCatalog {
    public static let windows: [String] = [
        "Windows Server 2025", "Windows Server 2022", "Windows Server 2019",
        "Windows Server 2016 version 1709", "Windows Server 2016 version 1803",
        "Windows Server 2012", "Windows Server 2012 R2",
        "Windows 11 Enterprise", "Windows 11 Enterprise multi-session", "Windows 11 Pro",
        "Windows 10 Enterprise", "Windows 10 Enterprise multi-session", "Windows 10 Pro",
    ]

    public static let linux: [String] = [
        "Ubuntu 20.04", "Ubuntu 22.04", "Ubuntu 24.04",
        "Debian 11", "Debian 12",
        "Red Hat Enterprise Linux 8", "Red Hat Enterprise Linux 9",
        "Rocky Linux 8", "Rocky Linux 9", "AlmaLinux 8", "AlmaLinux 9",
        "Oracle Linux 8", "Oracle Linux 9",
        "SUSE Linux Enterprise Server 12", "SUSE Linux Enterprise Server 15",
        "Azure Linux 2", "Azure Linux 3",
        "Amazon Linux 2", "Amazon Linux 2023",
    ]

    public static let supported: [OperatingSystem] =
        windows.map { OperatingSystem(known: $0, family: .windows) }
        + linux.map { OperatingSystem(known: $0, family: .linux) }

    /// The error text for an OS that is not in the catalog.
    public static func unsupportedMessage(_ text: String) -> String {
        var message = "operating system \(Quoted.clip(text)) is not supported by Change Tracking and Inventory"
        // A known family at an unsupported version (Windows Server 2008, Ubuntu 14.04) is not a
        // typo: name the versions of that family that are supported instead of a near miss.
        let family = Self.family(text)
        let sameFamily = supported.map(\.name).filter { Self.family($0) == family }
        if !family.isEmpty, !sameFamily.isEmpty, !sameFamily.contains(text) {
            return message + "; supported versions of \(familyName(sameFamily[0])): "
                + sameFamily.joined(separator: ", ")
        }
        if let close = Suggestion.closest(to: text, among: supported.map(\.name)) {
            message += " (did you mean '\(close)'?)"
        }
        return message + "; supported Windows: " + windows.joined(separator: ", ") + "; supported Linux: "
            + linux.joined(separator: ", ")
    }

    /// The name without its version words, lowercased: `windows server` for `Windows Server 2012 R2`.
    static func family(_ name: String) -> String {
        familyName(name).lowercased()
    }

    /// `Windows Server` for `Windows Server 2012 R2`, `Ubuntu` for `Ubuntu 22.04`.
    static func familyName(_ name: String) -> String {
        name.split(separator: " ").filter { word in
            !word.contains(where: \.isNumber) && !["R2", "LTS", "version"].contains(String(word))
        }.joined(separator: " ")
    }

    /// Maps /etc/os-release fields (`ID`, `VERSION_ID`) to a catalog name, when supported.
    public static func fromOSRelease(id: String, versionID: String) -> String {
        let major = versionID.split(separator: ".").first.map(String.init) ?? versionID
        switch id {
        case "ubuntu": return "Ubuntu \(versionID)"
        case "debian": return "Debian \(major)"
        case "rhel": return "Red Hat Enterprise Linux \(major)"
        case "rocky": return "Rocky Linux \(major)"
        case "almalinux": return "AlmaLinux \(major)"
        case "ol": return "Oracle Linux \(major)"
        case "sles": return "SUSE Linux Enterprise Server \(major)"
        case "azurelinux", "mariner": return "Azure Linux \(major)"
        case "amzn": return "Amazon Linux \(major)"
        default: return "\(id) \(versionID)"
        }
    }
}
