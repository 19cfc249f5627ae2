import Foundation

extension MachineRoot {
    /// A file a collector reads (a status file, a unit, an export), links followed inside the
    /// root. Never blocks and never reads more than `limit` bytes: a FIFO, a device or a link
    /// to one is refused, as is a file larger than `limit`.
    func readFile(_ path: MachinePath, limit: Int) -> Result<[UInt8], FileProblem> {
        resolve(path.segments, followLinks: true).flatMap { real in
            openFile(real).flatMap { descriptor in
                defer { close(descriptor) }
                return Self.readAll(descriptor, limit: limit)
            }
        }
    }

    /// `readFile` as text for an optional file: absent is nil and silent; any other problem is
    /// nil with a warning naming the file and why it was not read.
    func readOptionalText(_ relative: String, shownAs shown: String, limit: Int, warnings: inout [String]) -> String? {
        let segments = relative.split(separator: "/").map(String.init)
        switch readFile(MachinePath(segments: segments), limit: limit) {
        case .success(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .failure(.missing): return nil
        case .failure(let problem):
            warnings.append("\(shown): \(problem); ignored")
            return nil
        }
    }

    /// Reads to the end, refusing more than `limit` bytes (the file may grow while read).
    static func readAll(_ descriptor: Int32, limit: Int) -> Result<[UInt8], FileProblem> {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return .failure(.from(errno)) }
        let size = Int64(info.st_size)
        guard size <= Int64(limit) else { return .failure(.tooLarge(size: size, limit: limit)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(size))
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failure(.from(errno))
            }
            if count == 0 { return .success(bytes) }
            bytes += buffer[0..<count]
            guard bytes.count <= limit else { return .failure(.tooLarge(size: Int64(bytes.count), limit: limit)) }
        }
    }
}
