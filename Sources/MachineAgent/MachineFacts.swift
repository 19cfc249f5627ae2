import Automation
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What an agent says about its machine when it enrols: its OS (from os-release under the
/// root) and its IPv4 addresses.
enum MachineFacts {
    static func os(root: String) throws -> String {
        let path = (root.hasSuffix("/") ? String(root.dropLast()) : root) + "/etc/os-release"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), let name = OSRelease.catalogName(text)
        else {
            throw AgentError.usage("\(path) does not name a Linux distribution the service knows (ID and VERSION_ID)")
        }
        return name
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(cString: buffer)
        return String(name.split(separator: ".").first ?? Substring(name))
    }

    /// The machine's IPv4 addresses but loopback.
    static func addresses() -> [String] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var found: [String] = []
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == UInt16(AF_INET) else { continue }
            var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            let length = socklen_t(MemoryLayout<sockaddr_in>.size)
            guard getnameinfo(address, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST) == 0 else {
                continue
            }
            let text = String(cString: host)
            if !text.hasPrefix("127.") { found.append(text) }
        }
        return found
    }
}
