import Foundation
import YAML

/// Reads a whole file a user controls (a runbook, an automation file), safely: the one way the
/// project opens such files.
///
/// The file is opened with `O_NONBLOCK`, so a FIFO, a socket or a device cannot block the open
/// (a FIFO with no writer would otherwise hang `run`, `validate` and the daemon forever); its type
/// is checked with `fstat` on the open descriptor (no race with a rename), and its size against
/// the cap before a byte is read.
public enum FileText {
    public static func read(path: String, label: String, maxBytes: Int) throws(DiagnosticError) -> [UInt8] {
        func fail(_ message: String) -> DiagnosticError {
            DiagnosticError([Diagnostic(file: label, mark: Mark(line: 1, column: 1), message: message)])
        }
        func reason() -> String { String(cString: strerror(errno)).lowercased() }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)
        guard descriptor >= 0 else { throw fail("cannot read file: \(reason())") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw fail("cannot read file: \(reason())") }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw fail("is a folder, not a file")
        case S_IFIFO: throw fail("is a FIFO (named pipe), not a regular file; it was not read")
        case S_IFSOCK: throw fail("is a socket, not a regular file; it was not read")
        case S_IFCHR, S_IFBLK: throw fail("is a device, not a regular file; it was not read")
        default: throw fail("is not a regular file; it was not read")
        }
        let size = Int(info.st_size)
        guard size <= maxBytes else { throw fail("file is \(size) bytes; the limit is \(maxBytes) bytes") }
        // One byte more than expected tells a file that grew since fstat from one that did not.
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                Foundation.read(descriptor, buffer.baseAddress.map { $0 + filled }, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw fail("cannot read file: \(reason())")
            }
            if count == 0 { break }
            filled += count
        }
        guard filled <= maxBytes else { throw fail("file is over \(maxBytes) bytes (it grew while being read)") }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }
}
