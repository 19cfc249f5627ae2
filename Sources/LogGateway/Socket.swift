#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The few socket calls the gateway makes, each with its result checked. Every socket is
/// non-blocking and every wait is a `poll` with a deadline, so no thread waits forever.
enum Socket {
    enum Wait: Equatable {
        case ready(Int16)
        case timeout
        case failed
    }

    /// Waits until `fd` has one of `events` (or an error or hang-up) or the deadline passes.
    static func wait(_ fd: Int32, for events: Int16, until deadline: ContinuousClock.Instant) -> Wait {
        while true {
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let result = poll(&entry, 1, milliseconds(until: deadline))
            if result > 0 { return .ready(entry.revents) }
            if result == 0 {
                if ContinuousClock.now >= deadline { return .timeout }
                continue
            }
            if errno == EINTR { continue }
            return .failed
        }
    }

    /// What is left until `deadline`, rounded up (so a wait does not end just short of it and
    /// spin), at most a day, never negative.
    static func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        milliseconds(deadline - ContinuousClock.now)
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        guard duration > .zero else { return 0 }
        let (seconds, attoseconds) = duration.components
        guard seconds < 86_400 else { return 86_400_000 }
        return Int32(seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
    }

    enum Received: Equatable {
        case bytes(Int)
        case end
        case wouldBlock
        case failed(Int32)
    }

    /// One `recv` into `buffer[offset...]`.
    static func receive(_ fd: Int32, into buffer: inout [UInt8], at offset: Int = 0) -> Received {
        guard offset < buffer.count else { return .wouldBlock }
        let count = buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return recv(fd, base + offset, raw.count - offset, 0)
        }
        if count > 0 { return .bytes(count) }
        if count == 0 { return .end }
        let code = errno
        return code == EAGAIN || code == EWOULDBLOCK || code == EINTR ? .wouldBlock : .failed(code)
    }

    enum Sent: Equatable {
        case bytes(Int)
        case wouldBlock
        case failed(Int32)
    }

    /// One `send` of `buffer[range]`; MSG_NOSIGNAL, so a peer that has gone is an error, not SIGPIPE.
    static func send(_ fd: Int32, _ buffer: [UInt8], _ range: Range<Int>) -> Sent {
        guard !range.isEmpty, range.upperBound <= buffer.count else { return .bytes(0) }
        let count = buffer.withUnsafeBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return Glibc.send(fd, base + range.lowerBound, range.count, Int32(MSG_NOSIGNAL))
        }
        if count >= 0 { return .bytes(count) }
        let code = errno
        return code == EAGAIN || code == EWOULDBLOCK || code == EINTR ? .wouldBlock : .failed(code)
    }

    /// Sends all of `bytes` by the deadline; false if the peer went away or was too slow.
    static func sendAll(_ fd: Int32, _ bytes: [UInt8], until deadline: ContinuousClock.Instant) -> Bool {
        var offset = 0
        while offset < bytes.count {
            switch send(fd, bytes, offset..<bytes.count) {
            case .bytes(let count): offset += count
            case .wouldBlock:
                guard case .ready = wait(fd, for: Int16(POLLOUT), until: deadline) else { return false }
            case .failed: return false
            }
        }
        return true
    }

    /// Sends each write at once. A tunnel forwards TLS records as they come; with Nagle's
    /// algorithm a request that crosses in two writes has its second held until the first is
    /// acknowledged, and the peer's delayed acknowledgement adds about 40 ms to every request.
    static func setNoDelay(_ fd: Int32) {
        var on: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    static func setNonBlocking(_ fd: Int32) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0
    }

    /// After an answer that ends the connection: says end-of-data, then reads (and drops) what
    /// the client still sends for a moment, so that closing with unread bytes does not reset
    /// the connection and lose the answer on the client's side.
    static func finish(_ fd: Int32) {
        guard shutdown(fd, Int32(SHUT_WR)) == 0 else { return }
        let deadline = ContinuousClock.now + .seconds(1)
        var buffer = [UInt8](repeating: 0, count: 4096)
        var drained = 0
        while drained < 65_536 {
            guard case .ready = wait(fd, for: Int16(POLLIN), until: deadline) else { return }
            switch receive(fd, into: &buffer) {
            case .bytes(let count): drained += count
            case .wouldBlock: continue
            case .end, .failed: return
            }
        }
    }

    /// The numeric address of a peer, from what `accept` filled in.
    static func address(of storage: sockaddr_storage) -> String {
        var storage = storage
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let written: UnsafePointer<CChar>? = withUnsafePointer(to: &storage) { pointer in
            switch Int32(pointer.pointee.ss_family) {
            case AF_INET:
                return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var ip = address.pointee.sin_addr
                    return inet_ntop(AF_INET, &ip, &text, socklen_t(text.count))
                }
            case AF_INET6:
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var ip = address.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &ip, &text, socklen_t(text.count))
                }
            default: return nil
            }
        }
        guard written != nil else { return "unknown" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
