import Foundation

/// Why a path of a machine could not be read. Each case reads as the end of a warning.
enum FileProblem: Error, Hashable, CustomStringConvertible {
    /// Nothing at that path.
    case missing
    /// A system call failed (errno).
    case system(Int32)
    /// A component is a symbolic link where none may be followed (or one was swapped in).
    case throughLink(MachinePath)
    /// A symbolic link climbs out of the machine's folder.
    case outside
    /// A symbolic link whose target (read inside the machine) does not exist there, such as a
    /// link to a host path (`/dev/zero`) the machine folder does not hold.
    case dangling(String)
    /// More than 40 links in a row.
    case loop
    /// A FIFO, socket, device or folder where a file was expected (`kind` says which).
    case notRegular(String)
    /// Larger than the reader accepts.
    case tooLarge(size: Int64, limit: Int)
    /// Text that cannot be one component of a path: empty, `.`, `..` or holding a `/`.
    case badName(String)
    /// The machine's folder (not a folder above it) is a symbolic link.
    case machineFolderIsLink(String)
    /// A machine folder path ending in `.` or `..`.
    case notAFolderName(String)

    static func from(_ code: Int32) -> FileProblem { code == ENOENT ? .missing : .system(code) }

    var description: String {
        switch self {
        case .missing: return String(cString: strerror(ENOENT))
        case .system(let code): return String(cString: strerror(code))
        case .throughLink(let path):
            return "the path runs through the symbolic link /\(path.segments.joined(separator: "/")); not followed"
        case .outside: return "symbolic link points outside the machine's root; not followed"
        case .dangling(let target):
            return "symbolic link to '\(target)', which is not inside the machine's folder; not followed"
        case .loop: return "symbolic link loop (more than 40 links); not followed"
        case .notRegular(let kind): return "\(kind), not a regular file; never opened"
        case .tooLarge(let size, let limit): return "\(size) bytes, over the limit of \(limit) bytes; not read"
        case .badName(let name): return "'\(name)' cannot name a file inside the machine"
        case .machineFolderIsLink(let path):
            return "machine folder \(path) is a symbolic link; register the folder it points to, or "
                + "replace the link with that folder (a machine's folder is never reached through a link)"
        case .notAFolderName(let path):
            return "machine folder \(path) ends in '.' or '..'; name the folder itself"
        }
    }

    /// `a FIFO`, `a device`...: what a non-regular file is, for messages.
    static func kind(_ mode: UInt32) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFDIR: return "a folder"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }
}
