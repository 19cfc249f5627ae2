import Foundation

/// A machine's folder, opened once. Every read of a machine goes through it: a path is opened
/// component by component from the root's descriptor with O_NOFOLLOW, so neither a `..`, nor
/// a symbolic link in the middle of a path, nor one swapped in during a scan can make the
/// kernel resolve anything outside the folder. Links are followed only by `resolve`, which
/// reads them and walks their targets inside the root itself.
final class MachineRoot: Sendable {
    /// The host folder, for messages.
    let path: String
    private let root: MachineDirectory

    /// Opens the machine's folder. The folder itself must not be a symbolic link (whoever
    /// administers the machine could point it at the host's `/etc`): its last component is
    /// opened with O_NOFOLLOW. Links in the folders above it are the operator's and are followed
    /// (`/home -> /data/home`), as is `/` for a `local` machine.
    init(path: String) throws(FileProblem) {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = path
        guard trimmed != "/" else {
            let opened = open("/", O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC)
            guard opened >= 0 else { throw FileProblem.from(errno) }
            root = MachineDirectory(descriptor: opened)
            return
        }
        let slash = trimmed.lastIndex(of: "/")
        let name = String(slash.map { trimmed[trimmed.index(after: $0)...] } ?? trimmed)
        let parentPath = slash.map { $0 == trimmed.startIndex ? "/" : String(trimmed[..<$0]) } ?? "."
        // `lnx/..` or `lnx/.` would reach the folder through `lnx`, link or not.
        guard MachineDirectory.isName(name) else { throw .notAFolderName(path) }
        let parent = open(parentPath, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC)
        guard parent >= 0 else { throw FileProblem.from(errno) }
        switch MachineDirectory(descriptor: parent).openDirectory(name) {
        case .success(let folder): root = folder
        case .failure(.throughLink): throw .machineFolderIsLink(path)
        case .failure(let problem): throw problem
        }
    }

    /// The folder at a link-free path; a link on the way is refused, naming where it is.
    func directory(_ path: MachinePath) -> Result<MachineDirectory, FileProblem> {
        var current = root
        for (index, segment) in path.segments.enumerated() {
            switch current.openDirectory(segment) {
            case .success(let next): current = next
            case .failure(.throughLink):
                return .failure(.throughLink(MachinePath(segments: Array(path.segments[...index]))))
            case .failure(let problem): return .failure(problem)
            }
        }
        return .success(current)
    }

    /// The entry's own stat (a link is not followed).
    func lstat(_ path: MachinePath) -> Result<stat, FileProblem> {
        guard let name = path.segments.last else {
            var info = stat()
            guard fstat(root.descriptor, &info) == 0 else { return .failure(.from(errno)) }
            return .success(info)
        }
        return entry(path) { $0.lstat(name) }
    }

    func readLink(_ path: MachinePath) -> Result<String, FileProblem> {
        guard let name = path.segments.last else { return .failure(.system(EINVAL)) }
        return entry(path) { $0.readLink(name) }
    }

    /// A regular file at a link-free path, open for reading; the caller closes it.
    func openFile(_ path: MachinePath) -> Result<Int32, FileProblem> {
        guard let name = path.segments.last else { return .failure(.notRegular("a folder")) }
        return entry(path) { $0.openFile(name) }
    }

    func list(_ path: MachinePath) -> Result<[[UInt8]], FileProblem> {
        directory(path).flatMap { $0.list() }
    }

    /// Runs `body` on the folder holding `path`; a link found at the last entry is named in full.
    private func entry<T>(_ path: MachinePath, _ body: (MachineDirectory) -> Result<T, FileProblem>)
        -> Result<T, FileProblem>
    {
        directory(path.parent).flatMap { folder in
            body(folder).mapError { problem in
                if case .throughLink = problem { return .throughLink(path) }
                return problem
            }
        }
    }
}
