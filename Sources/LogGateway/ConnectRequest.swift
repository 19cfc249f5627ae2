/// The request line of a head: `METHOD TARGET HTTP/1.x`. The header fields after it are not
/// read; the gateway takes no decision on them.
struct RequestLine: Sendable, Equatable {
    var method: String
    var target: String

    /// The first line of `head`; nil unless it is three fields of visible ASCII separated by
    /// single spaces, the last HTTP/1.0 or HTTP/1.1.
    static func parse(_ head: some Collection<UInt8>) -> RequestLine? {
        let line = head.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        guard line.allSatisfy({ (0x20...0x7E).contains($0) }) else { return nil }
        let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard fields.count == 3, fields.allSatisfy({ !$0.isEmpty }) else { return nil }
        let version = String(decoding: fields[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else { return nil }
        return RequestLine(
            method: String(decoding: fields[0], as: UTF8.self), target: String(decoding: fields[1], as: UTF8.self))
    }
}

/// A CONNECT request's authority: `host:port` or `[v6]:port`, the port required.
struct ConnectTarget: Sendable, Hashable, CustomStringConvertible {
    /// Lowercased; an IPv6 literal without brackets.
    var host: String
    var port: Int

    var description: String { HostPort.isIPv6(host) ? "[\(host)]:\(port)" : "\(host):\(port)" }

    static func parse(_ target: String) -> ConnectTarget? {
        guard let parts = HostPort.split(target), let portText = parts.port, let port = HostPort.port(portText),
            port > 0
        else { return nil }
        if parts.bracketed {
            guard HostPort.isIPv6(parts.host) else { return nil }
        } else {
            guard HostPort.isHostName(parts.host) else { return nil }
        }
        return ConnectTarget(host: parts.host.lowercased(), port: port)
    }
}
