#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `host:port` as --listen, --allow and a CONNECT target write it. One reading for all three,
/// so that what an operator allows and what a client asks for are compared the same way.
enum HostPort {
    /// The host (an IPv6 literal without its brackets) and the port text when there is one.
    /// Nil for an unclosed bracket, text after `]` that is not `:PORT`, or an IPv6 literal
    /// without brackets (its last group could not be told from a port).
    static func split(_ text: String) -> (host: String, port: String?, bracketed: Bool)? {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, nil, true) }
            guard rest.hasPrefix(":") else { return nil }
            return (host, String(rest.dropFirst()), true)
        }
        let colons = text.utf8.filter { $0 == UInt8(ascii: ":") }.count
        if colons == 0 { return (text, nil, false) }
        guard colons == 1, let colon = text.firstIndex(of: ":") else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]), false)
    }

    /// A port from decimal digits only (no sign, no spaces, at most five digits), 0 to 65535.
    static func port(_ text: String) -> Int? {
        guard (1...5).contains(text.utf8.count), text.utf8.allSatisfy({ (48...57).contains($0) }),
            let value = Int(text), value <= 65535
        else { return nil }
        return value
    }

    static func isIPv4(_ text: String) -> Bool {
        var address = in_addr()
        return inet_pton(AF_INET, text, &address) == 1
    }

    static func isIPv6(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }

    /// A DNS name: dot-separated labels of ASCII letters, digits, '-' and '_', each 1 to 63
    /// characters, 253 in all. Nothing else can reach a name lookup or a log line.
    static func isHostName(_ text: String) -> Bool {
        guard (1...253).contains(text.utf8.count) else { return false }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count)
                && label.utf8.allSatisfy { byte in
                    (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
                        || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                }
        }
    }
}
