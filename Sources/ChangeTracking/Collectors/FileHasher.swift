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
        /// The bytes hashed, for `uploadContent` items no larger than `contentLimit`: kept from
        /// the one read, so the content is what was hashed, from the file the walk found.
        var content: Data? = nil
    }

    static let chunk = 256 * 1024

    /// Opens the file through the machine's root (every component without following a link:
    /// a folder or file swapped for a link since the walk is refused, not read) and hashes it.
    /// `afterFirstChunk` lets a test change the file mid-read, deterministically.
    static func hash(
        _ observation: FileObservation, root: MachineRoot, contentLimit: Int = 0,
        afterFirstChunk: (() -> Void)? = nil, progress: ScanProgressReporter? = nil
    ) -> Outcome {
        let descriptor: Int32
        switch root.openFile(observation.real) {
        case .success(let opened): descriptor = opened
        case .failure(.notRegular):
            return Outcome(
                sha256: nil, warning: "\(observation.key): no longer a regular file; not hashed", stable: false)
        case .failure(let problem):
            return Outcome(sha256: nil, warning: "\(observation.key): not hashed: \(problem)", stable: false)
        }
        defer { close(descriptor) }
        var before = stat()
        guard fstat(descriptor, &before) == 0 else {
            return Outcome(
                sha256: nil, warning: "\(observation.key): not hashed: \(FileProblem.from(errno))", stable: false)
        }
        let keep = observation.uploadContent && Int64(before.st_size) <= Int64(contentLimit)
        var content = Data()
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: chunk)
        var isFirstChunk = true
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, chunk) }
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return Outcome(
                    sha256: nil, warning: "\(observation.key): read failed: \(FileProblem.from(errno))", stable: false)
            }
            if count == 0 { break }
            progress?.hashedBytes(count)
            if let afterFirstChunk, isFirstChunk {
                isFirstChunk = false
                afterFirstChunk()
            }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            if keep && content.count <= contentLimit { content.append(contentsOf: buffer[0..<count]) }
        }
        var after = stat()
        let digest = ContentDigest.sha256Hex(Array(hasher.finalize()), alreadyHashed: true)
        guard fstat(descriptor, &after) == 0 else { return Outcome(sha256: digest, warning: nil, stable: false) }
        let first = StatInfo(before)
        let last = StatInfo(after)
        if first.size != last.size || first.mtimeNs != last.mtimeNs || first.ctimeNs != last.ctimeNs
            || first.inode != observation.stat.inode || first.device != observation.stat.device
        {
            return Outcome(
                sha256: digest,
                warning: "\(observation.key): changed while being hashed (size \(first.size) -> \(last.size)); "
                    + "the checksum may not match any one version and it will be hashed again next scan",
                stable: false)
        }
        return Outcome(
            sha256: digest, warning: nil, stable: true, content: keep && content.count <= contentLimit ? content : nil)
    }
}
