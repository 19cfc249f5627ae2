import Automation
import Crypto
import Foundation

/// SHA-256 of the files a walk found, on one thread. One hasher per thread: its read buffer is
/// allocated once (never zeroed per file), and each file is opened by name relative to the
/// folder the walk held open (`FileObservation.folder`), so a file costs one `openat`, its
/// reads and one `close`; the walk's `fstatat` is the only stat.
///
/// Why no stat here, and still safe:
/// - The name is opened with O_NOFOLLOW in a folder reached without following any link, so a
///   link swapped in since the walk is refused, and nothing outside the machine is opened.
/// - O_NONBLOCK keeps a FIFO swapped in from blocking the open or the reads; O_NOCTTY keeps a
///   terminal from becoming ours.
/// - At most the walk's size plus one byte is read: a device swapped in (`/dev/zero`) cannot
///   make the read endless, and any size other than the walk's is reported as a change while
///   hashing, whose checksum never enters the index.
/// - A file rewritten in place at the same size between the walk and the read is hashed as it
///   is now under the walk's stat; its new mtime is at or after this scan's start, so the next
///   scan treats it as racily clean and hashes it again.
struct FileHasher {
    struct Outcome: Sendable {
        var sha256: String?
        /// Set when the file could not be hashed or changed under us.
        var warning: String?
        /// False when the file changed while being hashed: the result must not enter the index.
        var stable: Bool
        /// The bytes hashed, for `uploadContent` items no larger than `contentLimit`: kept from
        /// the one read, so the content is what was hashed, from the file the walk found.
        var content: Data? = nil
        /// The raw digest, for the index.
        var digest: [UInt8]? = nil
    }

    /// Bytes per read: large sequential reads, one buffer per hashing thread.
    static let chunk = 1 << 20

    let root: MachineRoot
    /// The folders the walk held open, by `FileObservation.folder`.
    let folders: [MachineDirectory]
    private let buffer: ReadBuffer
    /// The last folder opened by path (for files whose folder the walk did not keep open).
    private var opened: (path: MachinePath, folder: MachineDirectory)?

    init(root: MachineRoot, folders: [MachineDirectory] = []) {
        self.root = root
        self.folders = folders
        self.buffer = ReadBuffer(count: Self.chunk)
    }

    /// Hashes one file. `afterFirstChunk` lets a test change the file mid-read, deterministically.
    mutating func hash(
        _ observation: FileObservation, contentLimit: Int = 0, afterFirstChunk: (() -> Void)? = nil,
        progress: ScanProgressReporter? = nil
    ) -> Outcome {
        let descriptor: Int32
        switch open(observation) {
        case .success(let file): descriptor = file
        case .failure(.notRegular):
            return Outcome(
                sha256: nil, warning: "\(observation.key): no longer a regular file; not hashed", stable: false)
        case .failure(let problem):
            return Outcome(sha256: nil, warning: "\(observation.key): not hashed: \(problem)", stable: false)
        }
        defer { close(descriptor) }
        let expected = observation.stat.size
        let keep = observation.uploadContent && expected <= Int64(contentLimit)
        var content = Data()
        var hasher = SHA256()
        var total: Int64 = 0
        var isFirstChunk = true
        let bytes = buffer.bytes
        // One byte past the walk's size is enough to know the file grew.
        while total <= expected {
            let left = expected - total
            let wanted = left >= Int64(bytes.count) ? bytes.count : Int(left) + 1
            let count = Glibc.read(descriptor, bytes.baseAddress, wanted)
            if count < 0 {
                if errno == EINTR { continue }
                // EAGAIN: a FIFO or device swapped in since the walk, with nothing to read.
                let problem = errno == EAGAIN ? "not a regular file any more" : "\(FileProblem.from(errno))"
                return Outcome(sha256: nil, warning: "\(observation.key): read failed: \(problem)", stable: false)
            }
            if count == 0 { break }
            total += Int64(count)
            progress?.hashedBytes(count)
            if let afterFirstChunk, isFirstChunk {
                isFirstChunk = false
                afterFirstChunk()
            }
            let read = UnsafeRawBufferPointer(rebasing: bytes[0..<count])
            hasher.update(bufferPointer: read)
            if keep && content.count <= contentLimit { content.append(contentsOf: read) }
        }
        let digest = Array(hasher.finalize())
        let hex = ContentDigest.sha256Hex(digest, alreadyHashed: true)
        guard total == expected else {
            let now = total > expected ? "more than \(expected)" : String(total)
            return Outcome(
                sha256: hex,
                warning: "\(observation.key): changed while being hashed (size \(expected) -> \(now)); "
                    + "the checksum may not match any one version and it will be hashed again next scan",
                stable: false)
        }
        return Outcome(
            sha256: hex, warning: nil, stable: true, content: keep && content.count <= contentLimit ? content : nil,
            digest: digest)
    }

    /// The file, opened by name in the folder the walk kept, or in its folder opened again
    /// component by component from the machine's root.
    private mutating func open(_ observation: FileObservation) -> Result<Int32, FileProblem> {
        let name = observation.name
        let folder: MachineDirectory
        if observation.folder >= 0, Int(observation.folder) < folders.count {
            folder = folders[Int(observation.folder)]
        } else if let opened, opened.path == observation.parent {
            folder = opened.folder
        } else {
            switch root.directory(observation.parent) {
            case .success(let found):
                folder = found
                opened = (observation.parent, found)
            // A link found on the way is named where it is.
            case .failure(let problem): return .failure(problem)
            }
        }
        return folder.openWalkedFile(name).mapError { problem in
            if case .throughLink = problem { return .throughLink(observation.real) }
            return problem
        }
    }

    /// One hash with a hasher of its own (tests, and callers hashing a single file).
    static func hash(
        _ observation: FileObservation, root: MachineRoot, contentLimit: Int = 0,
        afterFirstChunk: (() -> Void)? = nil, progress: ScanProgressReporter? = nil
    ) -> Outcome {
        var hasher = FileHasher(root: root)
        return hasher.hash(
            observation, contentLimit: contentLimit, afterFirstChunk: afterFirstChunk, progress: progress)
    }
}

/// A read buffer allocated once and never initialised: the kernel writes it before it is read.
final class ReadBuffer {
    let bytes: UnsafeMutableRawBufferPointer

    init(count: Int) {
        bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 4096)
    }

    deinit {
        bytes.deallocate()
    }
}
