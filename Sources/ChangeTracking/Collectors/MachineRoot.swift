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

    init(path: String) throws(FileProblem) {
        let opened = open(path, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC)
        guard opened >= 0 else { throw FileProblem.from(errno) }
        self.path = path
        root = MachineDirectory(descriptor: opened)
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
