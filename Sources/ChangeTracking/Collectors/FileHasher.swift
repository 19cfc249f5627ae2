import Automation
import Crypto
import Foundation

/// SHA-256 of a file's content, detecting a file that changes while it is read.
enum FileHasher {
    struct Outcome: Sendable {
        var sha256: String?
        /// Set when the file could not be hashed or changed under us.
        var warning: String?
        /// False when the file changed while being hashed: the result must not enter the index.
        var stable: Bool
    }

    static let chunk = 256 * 1024

    /// `afterFirstChunk` lets a test change the file mid-read, deterministically.
    static func hash(_ observation: FileObservation, afterFirstChunk: (() -> Void)? = nil) -> Outcome {
        // O_NONBLOCK: a FIFO swapped in since lstat must not block the scan.
        let descriptor = open(observation.hostPath, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            return Outcome(
                sha256: nil, warning: "\(observation.key): not hashed: \(String(cString: strerror(errno)))",
                stable: false)
        }
        defer { close(descriptor) }
        var before = stat()
        guard fstat(descriptor, &before) == 0, (before.st_mode & S_IFMT) == S_IFREG else {
            return Outcome(
                sha256: nil, warning: "\(observation.key): no longer a regular file; not hashed", stable: false)
        }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: chunk)
        var isFirstChunk = true
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, chunk) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return Outcome(
                    sha256: nil, warning: "\(observation.key): read failed: \(String(cString: strerror(errno)))",
                    stable: false)
            }
            if count == 0 { break }
            if let afterFirstChunk, isFirstChunk {
                isFirstChunk = false
                afterFirstChunk()
            }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
        var after = stat()
        let digest = ContentDigest.sha256Hex(Array(hasher.finalize()), alreadyHashed: true)
        guard fstat(descriptor, &after) == 0 else { return Outcome(sha256: digest, warning: nil, stable: false) }
        let first = StatInfo(before)
        let last = StatInfo(after)
        if first.size != last.size || first.mtimeNs != last.mtimeNs || first.ctimeNs != last.ctimeNs
            || first.inode != observation.stat.inode
        {
            return Outcome(
                sha256: digest,
                warning: "\(observation.key): changed while being hashed (size \(first.size) -> \(last.size)); "
                    + "the checksum may not match any one version and it will be hashed again next scan",
                stable: false)
        }
        return Outcome(sha256: digest, warning: nil, stable: true)
    }
}
