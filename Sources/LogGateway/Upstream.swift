#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Connecting to the destination of a tunnel.
enum Upstream {
    enum Outcome {
        case connected(Int32)
        case failed(String)
    }

    /// A connected, non-blocking socket to `host:port`, trying each address the name has until
    /// one answers; or why none did. The name lookup itself (getaddrinfo) has no deadline of
    /// its own: it is bounded by the resolver's timeouts.
    static func connect(host: String, port: Int, until deadline: ContinuousClock.Instant) -> Outcome {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG
        var list: UnsafeMutablePointer<addrinfo>?
        let looked = getaddrinfo(host, String(port), &hints, &list)
        guard looked == 0, let first = list else {
            let reason = looked == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(looked))
            return .failed("cannot resolve \(host): \(reason)")
        }
        defer { freeaddrinfo(first) }
        var reason = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            entry = current.pointee.ai_next
            switch attempt(current.pointee, until: deadline) {
            case .connected(let fd): return .connected(fd)
            case .failed(let why): reason = why
            }
            if ContinuousClock.now >= deadline { break }
        }
        return .failed("cannot connect to \(host):\(port): \(reason)")
    }

    private static func attempt(_ info: addrinfo, until deadline: ContinuousClock.Instant) -> Outcome {
        let fd = socket(
            info.ai_family, info.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
            info.ai_protocol)
        guard fd >= 0 else { return .failed(String(cString: strerror(errno))) }
        Socket.setNoDelay(fd)
        if Glibc.connect(fd, info.ai_addr, info.ai_addrlen) == 0 { return .connected(fd) }
        var code = errno
        if code == EINPROGRESS || code == EINTR {
            switch Socket.wait(fd, for: Int16(POLLOUT), until: deadline) {
            case .timeout:
                close(fd)
                return .failed("timed out")
            case .failed:
                code = errno
            case .ready:
                var pending: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                code = getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &length) == 0 ? pending : errno
                if code == 0 { return .connected(fd) }
            }
        }
        close(fd)
        return .failed(String(cString: strerror(code)))
    }
}
