/// What the `azure` profile refuses in tracked items, quoting Azure's limitation.
public enum TrackingRules {
    /// Every refusal for a file item; empty when it is acceptable.
    public static func problems(_ file: TrackedFile, profile: LimitsProfile) -> [String] {
        var problems: [String] = []
        let separator: Character = file.os == .windows ? "\\" : "/"
        let segments = file.path.split(separator: separator, omittingEmptySubsequences: true)
        for segment in segments.dropLast() where segment.contains("*") || segment.contains("?") {
            problems.append(
                "path \(Quoted.clip(file.path)) has a wildcard in \(Quoted.clip(segment)); wildcards are allowed only in the last segment"
            )
        }
        // A `..` would climb out of the folder standing for the machine (a Windows path may use
        // either separator, so both count there).
        let anySeparator = file.path.split(whereSeparator: { $0 == "/" || (file.os == .windows && $0 == "\\") })
        if anySeparator.contains("..") {
            problems.append(
                "path \(Quoted.clip(file.path)) has a '..' segment; a tracked path must stay inside the machine "
                    + "(write the path without '..')")
        }
        if file.os == .linux && !file.path.hasPrefix("/") {
            problems.append("Linux path \(Quoted.clip(file.path)) must be absolute (start with /)")
        }
        guard profile == .azure else { return problems }
        let lowered = file.path.lowercased()
        if lowered.hasPrefix("\\\\") || lowered.hasPrefix("//") || lowered.hasPrefix("/net/")
            || lowered.hasPrefix("/mnt/nfs")
        {
            problems.append(
                "path \(Quoted.clip(file.path)) is on a network file system; Azure Change Tracking does not track network file systems"
            )
        }
        if file.os == .windows && lowered.hasSuffix(".exe") {
            problems.append(
                "path \(Quoted.clip(file.path)) is a Windows .exe file; Azure Change Tracking does not track .exe files"
            )
        }
        return problems
    }

    public static func problems(_ key: TrackedRegistryKey, profile: LimitsProfile) -> [String] {
        var problems: [String] = []
        let hives = ["HKEY_LOCAL_MACHINE\\", "HKEY_CURRENT_USER\\", "HKEY_USERS\\", "HKEY_CLASSES_ROOT\\"]
        if !hives.contains(where: { key.key.uppercased().hasPrefix($0) }) {
            problems.append("registry key \(Quoted.clip(key.key)) must start with a hive such as HKEY_LOCAL_MACHINE\\")
        }
        if profile == .azure && key.recurse {
            problems.append(
                "registry key \(Quoted.clip(key.key)) asks for recursion; Azure Change Tracking does not support registry recursion"
            )
        }
        return problems
    }
}
