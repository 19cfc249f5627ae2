import Foundation

extension MachineRoot {
    /// Links a path may pass through before it counts as a loop (Linux's own limit).
    static let maxLinks = 40

    /// The link-free path that `segments` name. Symbolic links (in the middle, and at the end
    /// when `followLast`) are read and their targets walked here, inside the root: an absolute
    /// target starts again at the machine's root, a `..` climbs the resolved path and may not
    /// climb out of it. With `followLinks` false a link on the way is refused (`throughLink`).
    /// `caseInsensitive`: a Windows folder, whose names match in any case.
    func resolve(
        _ segments: [String], followLinks: Bool, followLast: Bool = true, caseInsensitive: Bool = false
    ) -> Result<MachinePath, FileProblem> {
        var resolved: [String] = []
        var pending = Array(segments.reversed())
        var links = 0
        // The last link's target, and how many segments were pending before it was pushed: a
        // missing entry while its segments are consumed means the link leads nowhere here.
        var lastTarget: String?
        var targetBase = 0
        while let segment = pending.popLast() {
            if segment.isEmpty || segment == "." { continue }
            if segment == ".." {
                // Only a link's target brings `..` here (item paths refuse it); `resolved` has
                // no links, so its parent is the real parent.
                guard !resolved.isEmpty else { return .failure(.outside) }
                resolved.removeLast()
                continue
            }
            var name = segment
            var info: stat
            switch lstat(MachinePath(segments: resolved + [name])) {
            case .success(let found): info = found
            case .failure(.missing) where caseInsensitive:
                guard let match = caseMatch(segment, in: MachinePath(segments: resolved)),
                    case .success(let found) = lstat(MachinePath(segments: resolved + [match]))
                else { return .failure(dangling(lastTarget, pending.count >= targetBase)) }
                name = match
                info = found
            case .failure(.missing): return .failure(dangling(lastTarget, pending.count >= targetBase))
            case .failure(let problem): return .failure(problem)
            }
            guard info.st_mode & S_IFMT == S_IFLNK, !pending.isEmpty || followLast else {
                resolved.append(name)
                continue
            }
            let here = MachinePath(segments: resolved + [name])
            guard followLinks else { return .failure(.throughLink(here)) }
            links += 1
            guard links <= Self.maxLinks else { return .failure(.loop) }
            let target: String
            switch readLink(here) {
            case .success(let text): target = text
            case .failure(let problem): return .failure(problem)
            }
            lastTarget = target
            targetBase = pending.count
            if target.hasPrefix("/") { resolved = [] }
            pending += target.split(separator: "/", omittingEmptySubsequences: true).reversed().map(String.init)
        }
        return .success(MachinePath(segments: resolved))
    }

    private func dangling(_ target: String?, _ inTarget: Bool) -> FileProblem {
        guard let target, inTarget else { return .missing }
        return .dangling(target)
    }

    /// The entry of `folder` whose name equals `name` ignoring case, if any.
    func caseMatch(_ name: String, in folder: MachinePath) -> String? {
        guard case .success(let names) = list(folder) else { return nil }
        let wanted = name.lowercased()
        return names.lazy.compactMap { String(validating: $0, as: UTF8.self) }.sorted()
            .first { $0.lowercased() == wanted }
    }
}
