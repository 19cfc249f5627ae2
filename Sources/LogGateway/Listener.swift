#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Why the gateway could not start, in words.
public struct GatewayError: Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}

/// A listening socket, and accepting from it.
enum Listener {
    /// Binds and listens (SO_REUSEADDR, non-blocking, close-on-exec); the port bound, which
    /// differs from `endpoint.port` when that is 0.
    static func open(_ endpoint: Endpoint) throws(GatewayError) -> (descriptor: Int32, port: Int) {
        let ipv6 = endpoint.isIPv6
        let fd = socket(
            ipv6 ? AF_INET6 : AF_INET,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw failure(endpoint, errno) }
        var yes: Int32 = 1
        guard setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            let code = errno
            close(fd)
            throw failure(endpoint, code)
        }
        var storage = sockaddr_storage()
        let length: socklen_t
        let port = UInt16(clamping: endpoint.port).bigEndian
        if ipv6 {
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    address.pointee.sin6_family = sa_family_t(AF_INET6)
                    address.pointee.sin6_port = port
                    _ = inet_pton(AF_INET6, endpoint.host, &address.pointee.sin6_addr)
                }
            }
        } else {
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    address.pointee.sin_family = sa_family_t(AF_INET)
                    address.pointee.sin_port = port
                    _ = inet_pton(AF_INET, endpoint.host, &address.pointee.sin_addr)
                }
            }
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, Glibc.listen(fd, SOMAXCONN) == 0 else {
            let code = errno
            close(fd)
            throw failure(endpoint, code)
        }
        var local = sockaddr_storage()
        var localLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &localLength) }
        }
        guard named == 0 else {
            let code = errno
            close(fd)
            throw failure(endpoint, code)
        }
        let boundPort = withUnsafePointer(to: &local) { pointer -> UInt16 in
            ipv6
                ? pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port }
                : pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
        }
        return (fd, Int(UInt16(bigEndian: boundPort)))
    }

    private static func failure(_ endpoint: Endpoint, _ code: Int32) -> GatewayError {
        let reason: String
        switch code {
        case EADDRINUSE: reason = "port \(endpoint.port) is in use by another process"
        case EADDRNOTAVAIL: reason = "this host has no address \(endpoint.host)"
        case EACCES: reason = "port \(endpoint.port) needs privileges (ports below 1024 are root's)"
        default: reason = String(cString: strerror(code))
        }
        return GatewayError(description: "cannot listen on \(endpoint): \(reason)")
    }

    enum Accepted {
        /// A non-blocking, close-on-exec socket and the client's address.
        case connection(Int32, String)
        /// Nothing waiting (or a connection that went away before it was taken).
        case none
        /// Out of descriptors: the caller backs off rather than spin on a listener that stays readable.
        case exhausted
    }

    static func accept(_ listener: Int32) -> Accepted {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.accept(listener, $0, &length)
            }
        }
        guard fd >= 0 else {
            let code = errno
            return code == EMFILE || code == ENFILE || code == ENOBUFS || code == ENOMEM ? .exhausted : .none
        }
        guard Socket.setNonBlocking(fd), fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 else {
            close(fd)
            return .none
        }
        Socket.setNoDelay(fd)
        return .connection(fd, Socket.address(of: storage))
    }
}
