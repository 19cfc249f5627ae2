/// Azure regions and the workspace-to-account link table (docs/AZURE.md).
public struct Region: Sendable, Hashable, CustomStringConvertible, Codable {
    /// Display name as Azure's docs write it: `EastUS2`.
    public let name: String

    /// The lowercase form Azure's APIs use: `eastus2`.
    public var id: String { name.lowercased() }
    public var description: String { name }

    private init(known name: String) {
        self.name = name
    }

    /// Accepts `EastUS2`, `eastus2`, `East US 2` and `east-us-2`.
    public init?(_ text: String) {
        let key = Self.normalise(text)
        guard let match = Self.all.first(where: { $0.id == key }) else { return nil }
        self = match
    }

    static func normalise(_ text: String) -> String {
        text.lowercased().filter { $0 != " " && $0 != "-" && $0 != "_" }
    }

    public func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        try single.encode(name)
    }

    public init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        let text = try single.decode(String.self)
        guard let region = Region(text) else {
            throw DecodingError.dataCorruptedError(in: single, debugDescription: "unknown region \(Quoted.clip(text))")
        }
        self = region
    }

    /// Regions known to this catalog; a machine may sit in any of them.
    public static let all: [Region] = [
        "EastUS", "EastUS2", "WestUS", "WestUS2", "WestUS3", "CentralUS", "NorthCentralUS", "SouthCentralUS",
        "WestCentralUS", "CanadaCentral", "CanadaEast", "BrazilSouth", "NorthEurope", "WestEurope", "UKSouth",
        "UKWest", "FranceCentral", "GermanyWestCentral", "SwitzerlandNorth", "NorwayEast", "SwedenCentral",
        "PolandCentral", "ItalyNorth", "UAENorth", "SouthAfricaNorth", "CentralIndia", "SouthIndia",
        "SoutheastAsia", "EastAsia", "JapanEast", "JapanWest", "KoreaCentral", "AustraliaEast",
        "AustraliaSoutheast", "AustraliaCentral", "ChinaEast2", "ChinaNorth3", "USGovVirginia", "USGovArizona",
        "USGovTexas",
    ].map(Region.init(known:))

    /// Log Analytics workspace region -> the Automation account region it may link to.
    public static let workspaceToAccount: [(workspace: String, account: String)] = [
        ("EastUS", "EastUS2"), ("WestUS2", "WestUS2"), ("WestCentralUS", "WestCentralUS"),
        ("CanadaCentral", "CanadaCentral"), ("AustraliaSoutheast", "AustraliaSoutheast"),
        ("SoutheastAsia", "SoutheastAsia"), ("CentralIndia", "CentralIndia"), ("ChinaEast2", "ChinaEast2"),
        ("JapanEast", "JapanEast"), ("UKSouth", "UKSouth"), ("WestEurope", "WestEurope"),
        ("USGovVirginia", "USGovVirginia"), ("USGovArizona", "USGovArizona"),
    ]

    /// Account regions a workspace in this region may link to.
    public var accountPartners: [Region] {
        Self.workspaceToAccount.filter { $0.workspace == name }.compactMap { Region($0.account) }
    }

    /// Workspace regions an account in this region may link to.
    public var workspacePartners: [Region] {
        Self.workspaceToAccount.filter { $0.account == name }.compactMap { Region($0.workspace) }
    }

    /// A hint for an unknown region name.
    public static func hint(for text: String) -> String {
        Suggestion.closest(to: normalise(text), among: all.map(\.id)).map { " (did you mean '\($0)'?)" } ?? ""
    }
}
