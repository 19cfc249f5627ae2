import Automation

/// Catalog values by name for tests; an unknown name falls back to the first entry, and the
/// assertions on names then fail loudly.
extension Region {
    static func named(_ name: String) -> Region { Region(name) ?? Region.all[0] }
}

extension OperatingSystem {
    static func named(_ name: String) -> OperatingSystem { OperatingSystem(name) ?? OSCatalog.supported[0] }
}
