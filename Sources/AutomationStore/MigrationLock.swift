import Automation
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive `flock` on `automation.sqlite.lock` next to the database, held while a process
/// opens the file and brings its schema up to date. GRDB's migrator reads which migrations ran
/// before it opens each migration's transaction, so processes opening a brand-new store at once
/// would each run "v1" ("table workspace already exists"); under this lock the first one
/// migrates and the others find the work done. The kernel drops the lock if the process dies.
/// A separate file, because SQLite's own POSIX locks on the database are released by any close
/// of that file in the process.
enum MigrationLock {
    static func withLock<T>(beside databasePath: String, _ body: () throws -> T) throws -> T {
        let path = databasePath + ".lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError.cannotOpen(
                path: databasePath, reason: "cannot open its lock file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        // Blocks until the process migrating now is done (or dies); retried when a signal interrupts.
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw StoreError.cannotOpen(
                    path: databasePath, reason: "cannot lock \(path): \(String(cString: strerror(errno)))")
            }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }
}
