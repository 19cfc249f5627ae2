#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Why the server cannot listen where it was told to, in words.
public struct ListenError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// Checks an address and port before anything starts: `serve` says at once why it cannot
/// listen (a name that is not an address, a port in use, an address this host does not have),
/// instead of starting its services and then failing, or waiting on a name lookup.
public enum ListenAddress {
    /// An IP address (`127.0.0.1`, `0.0.0.0`, `::1`, `::`) or `localhost`; nothing that would
    /// need a name lookup.
    public static func validate(_ host: String) throws(ListenError) {
        if host == "localhost" || isIPv4(host) || isIPv6(host) { return }
        throw ListenError(
            description:
                "--address '\(host)' is not an IP address: give one of this host's addresses (127.0.0.1, 0.0.0.0, "
                + "::1, ::) or localhost")
    }

    /// Binds the address and port once and lets go, so that a port in use or an address this
    /// host lacks is reported before the server starts. Port 0 always binds.
    public static func probe(_ host: String, port: Int) throws(ListenError) {
        try validate(host)
        let literal = host == "localhost" ? "127.0.0.1" : host
        let ipv6 = isIPv6(literal)
        let descriptor = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let result: Int32
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = UInt16(port).bigEndian
            _ = inet_pton(AF_INET6, literal, &address.sin6_addr)
            result = bindTo(descriptor, address)
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            _ = inet_pton(AF_INET, literal, &address.sin_addr)
            result = bindTo(descriptor, address)
        }
        guard result != 0 else { return }
        let code = errno
        let reason: String
        switch code {
        case EADDRINUSE: reason = "port \(port) is in use by another process"
        case EADDRNOTAVAIL: reason = "this host has no address \(host)"
        case EACCES: reason = "port \(port) needs privileges (ports below 1024 are root's)"
        default: reason = String(cString: strerror(code))
        }
        throw ListenError(description: "cannot listen on \(host):\(port): \(reason)")
    }

    /// `bind` with an IPv4 or IPv6 socket address.
    private static func bindTo<Address>(_ descriptor: Int32, _ address: Address) -> Int32 {
        withUnsafePointer(to: address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
    }

    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }
}
