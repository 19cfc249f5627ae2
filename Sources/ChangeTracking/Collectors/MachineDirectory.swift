import CFileSystem
import Foundation

/// One open folder of a machine, closed when the value goes away. Every operation names one
/// entry of this folder and never follows a symbolic link: the kernel resolves nothing on
/// our behalf, so nothing it opens can lie outside the folder.
final class MachineDirectory: Sendable {
    let descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// True for text that names one entry: not empty, not `.` or `..`, no `/` (a `/` would let
    /// the kernel walk further than the one component asked for).
    static func isName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.utf8.contains(UInt8(ascii: "/"))
            && !name.utf8.contains(0)
    }

    func lstat(_ name: String) -> Result<stat, FileProblem> {
        guard Self.isName(name) else { return .failure(.badName(name)) }
        var info = stat()
        guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return .failure(.from(errno)) }
        return .success(info)
    }

    func readLink(_ name: String) -> Result<String, FileProblem> {
        guard Self.isName(name) else { return .failure(.badName(name)) }
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(descriptor, name, &buffer, buffer.count - 1)
        guard count >= 0 else { return .failure(.from(errno)) }
        return .success(String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// A subfolder; a symbolic link there is refused (`throughLink` naming just this entry).
    func openDirectory(_ name: String) -> Result<MachineDirectory, FileProblem> {
        guard Self.isName(name) else { return .failure(.badName(name)) }
        let opened = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard opened >= 0 else {
            let code = errno
            if code == ELOOP || code == ENOTDIR, case .success(let info) = lstat(name),
                info.st_mode & S_IFMT == S_IFLNK
            {
                return .failure(.throughLink(MachinePath(segments: [name])))
            }
            return .failure(.from(code))
        }
        return .success(MachineDirectory(descriptor: opened))
    }

    /// A regular file open for reading (the caller closes it). The type is checked before the
    /// open (a device is never opened: opening some has side effects) and again on the open
    /// descriptor (a FIFO swapped in between): O_NONBLOCK keeps that open from blocking.
    func openFile(_ name: String) -> Result<Int32, FileProblem> {
        switch lstat(name) {
        case .failure(let problem): return .failure(problem)
        case .success(let info) where info.st_mode & S_IFMT == S_IFLNK:
            return .failure(.throughLink(MachinePath(segments: [name])))
        case .success(let info) where info.st_mode & S_IFMT != S_IFREG:
            return .failure(.notRegular(FileProblem.kind(info.st_mode)))
        case .success: break
        }
        let opened = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard opened >= 0 else {
            let code = errno
            return .failure(code == ELOOP ? .throughLink(MachinePath(segments: [name])) : .from(code))
        }
        var info = stat()
        guard fstat(opened, &info) == 0 else {
            let code = errno
            close(opened)
            return .failure(.system(code))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            close(opened)
            return .failure(.notRegular(FileProblem.kind(info.st_mode)))
        }
        return .success(opened)
    }

    /// A file the walk found regular, opened by name for reading (the caller closes it), with no
    /// stat: O_NOFOLLOW refuses a link swapped in since, O_NONBLOCK keeps a FIFO from blocking,
    /// and the reader bounds its reads by the walk's size (see `FileHasher`).
    func openWalkedFile(_ name: String) -> Result<Int32, FileProblem> {
        guard Self.isName(name) else { return .failure(.badName(name)) }
        let opened = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard opened >= 0 else {
            let code = errno
            switch code {
            case ELOOP: return .failure(.throughLink(MachinePath(segments: [name])))
            case ENXIO: return .failure(.notRegular("a socket"))
            default: return .failure(.from(code))
            }
        }
        return .success(opened)
    }

    /// Entry names as bytes (a name need not be UTF-8), without `.` and `..`, unsorted.
    func list() -> Result<[[UInt8]], FileProblem> {
        // fdopendir takes ownership of its descriptor: give it a copy, rewound.
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { return .failure(.from(errno)) }
        guard let stream = fdopendir(copy) else {
            let code = errno
            close(copy)
            return .failure(.from(code))
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [[UInt8]] = []
        while let entry = readdir(stream) {
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix(while: { $0 != 0 })) }
            if bytes == [UInt8(ascii: ".")] || bytes == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
            names.append(bytes)
        }
        return .success(names)
    }

    /// statfs f_type of the file system holding this folder; -1 when unknown.
    var fileSystemType: Int { runbook_fd_fs_type(descriptor) }
}
