import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The store holds token hashes and job output: its folder is the owner's alone (0700) and its
/// files too (0600), whatever the process's umask. SQLite gives its `-wal` and `-shm` files the
/// database file's mode, so creating that file 0600 before SQLite opens it covers them.
public enum PrivateFiles {
    /// Creates `folder` (and missing parents) when it does not exist; the folder itself gets
    /// mode 0700. An existing folder is left as its owner set it.
    public static func createFolder(_ folder: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        chmod(folder, 0o700)
    }

    /// Creates an empty file with mode 0600 when none is there, and takes group and other
    /// access away from one that has it.
    public static func ensurePrivate(_ path: String) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if descriptor >= 0 {
            fchmod(descriptor, 0o600)
            close(descriptor)
            return
        }
        var status = stat()
        guard lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, status.st_uid == geteuid(),
            status.st_mode & 0o077 != 0
        else { return }
        chmod(path, status.st_mode & 0o700)
    }
}
