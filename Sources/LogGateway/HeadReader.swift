#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Reading a request head: everything up to the blank line that ends it, within a size and a
/// time limit. Bytes read past the blank line are kept: they are the start of the tunnel.
enum HeadReader {
    enum Outcome {
        case head([UInt8], rest: [UInt8])
        /// No blank line within `limit` bytes.
        case tooLarge
        /// The deadline passed first: a client that trickles its head is dropped.
        case timeout
        /// The client closed or reset before the head was complete: no one to answer.
        case closed
    }

    static let chunk = 4096

    static func read(_ fd: Int32, limit: Int, until deadline: ContinuousClock.Instant) -> Outcome {
        var buffer: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: chunk)
        while true {
            switch Socket.wait(fd, for: Int16(POLLIN), until: deadline) {
            case .timeout: return .timeout
            case .failed: return .closed
            case .ready: break
            }
            let received: Int
            switch Socket.receive(fd, into: &scratch) {
            case .bytes(let count): received = count
            case .wouldBlock: continue
            case .end, .failed: return .closed
            }
            // The blank line may straddle two reads: look again from three bytes back.
            let from = max(0, buffer.count - 3)
            buffer.append(contentsOf: scratch[0..<received])
            if let end = blankLine(in: buffer, from: from) {
                guard end <= limit else { return .tooLarge }
                return .head(Array(buffer[0..<end]), rest: Array(buffer[end...]))
            }
            if buffer.count >= limit { return .tooLarge }
        }
    }

    /// The index just past the first `\r\n\r\n` at or after `from`.
    static func blankLine(in buffer: [UInt8], from: Int) -> Int? {
        guard buffer.count >= 4 else { return nil }
        var index = from
        while index + 4 <= buffer.count {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 {
                return index + 4
            }
            index += 1
        }
        return nil
    }
}
