import Foundation

/// A path inside a machine, as segments below the machine's root, shown the machine's way:
/// `/etc/hosts` on Linux, `C:\Windows\System32\drivers\etc\hosts` for a Windows folder.
struct MachinePath: Hashable, Sendable {
    var segments: [String]

    /// The host path under `root`.
    func host(root: String) -> String {
        let base = root.hasSuffix("/") ? String(root.dropLast()) : root
        return base + "/" + segments.joined(separator: "/")
    }

    func display(windows: Bool) -> String {
        guard windows, let drive = segments.first else { return "/" + segments.joined(separator: "/") }
        return drive + ":\\" + segments.dropFirst().joined(separator: "\\")
    }

    func appending(_ name: String) -> MachinePath { MachinePath(segments: segments + [name]) }
    var parent: MachinePath { MachinePath(segments: Array(segments.dropLast())) }

    /// Resolves a symlink's target within the machine; nil when it climbs out of the root.
    func resolvingLink(_ target: String) -> MachinePath? {
        var result = target.hasPrefix("/") ? [] : parent.segments
        for part in target.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                guard !result.isEmpty else { return nil }
                result.removeLast()
            default: result.append(String(part))
            }
        }
        return MachinePath(segments: result)
    }
}
