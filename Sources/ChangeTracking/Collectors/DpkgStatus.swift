import Automation

/// Installed packages from a dpkg status file (`var/lib/dpkg/status`), read as `dpkg-query` does:
/// stanzas separated by blank lines, `Field: value`, continuation lines start with a space.
public enum DpkgStatus {
    public struct Package: Sendable, Hashable {
        public var name: String
        public var version: String
        public var architecture: String
        public var maintainer: String
        public var status: String
    }

    /// Installed packages and a warning for each malformed stanza (with its line number).
    /// Works on UTF-8 bytes: a status file holds thousands of stanzas, and splitting a Swift
    /// String into lines costs several times more than the parse itself.
    /// A set `cancelled` stops the parse between lines (the scan it serves is being stopped).
    public static func parse(_ text: String, file: String, cancelled: OnceFlag = OnceFlag()) -> (
        packages: [Package], warnings: [String]
    ) {
        var contiguous = text
        contiguous.makeContiguousUTF8()
        return contiguous.utf8.withContiguousStorageIfAvailable { parse(bytes: $0, file: file, cancelled: cancelled) }
            ?? ([], [])
    }

    private static let wanted: [[UInt8]] = ["Package", "Status", "Version", "Architecture", "Maintainer"].map {
        Array($0.utf8)
    }

    static func parse(bytes: UnsafeBufferPointer<UInt8>, file: String, cancelled: OnceFlag) -> (
        packages: [Package], warnings: [String]
    ) {
        var packages: [Package] = []
        var warnings: [String] = []
        var fields = [String?](repeating: nil, count: wanted.count)
        var sawField = false
        var stanzaLine = 1
        var lineNumber = 0
        var malformed: String?
        var hasField = false

        func finish() {
            defer {
                fields = [String?](repeating: nil, count: wanted.count)
                sawField = false
                hasField = false
                malformed = nil
            }
            guard sawField || malformed != nil else { return }
            if let malformed {
                warnings.append("\(file):\(stanzaLine): malformed stanza skipped: \(malformed)")
                return
            }
            guard let name = fields[0], let status = fields[1] else {
                warnings.append("\(file):\(stanzaLine): stanza without Package or Status skipped")
                return
            }
            // Only what dpkg calls installed counts as inventory.
            guard status.hasSuffix(" installed") else { return }
            packages.append(
                Package(
                    name: name, version: fields[2] ?? "", architecture: fields[3] ?? "", maintainer: fields[4] ?? "",
                    status: status))
        }

        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
            lineNumber += 1
            if lineNumber % 1024 == 0 && cancelled.isSet {
                warnings.append("\(file):\(lineNumber): reading stopped, the scan was interrupted")
                return (packages, warnings)
            }
            var lineEnd = end
            if lineEnd > start && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            defer { start = end + 1 }
            if lineEnd == start {
                if end < bytes.count || sawField || malformed != nil { finish() }
                stanzaLine = lineNumber + 1
                continue
            }
            let first = bytes[start]
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                if !hasField && malformed == nil { malformed = "line \(lineNumber) continues no field" }
                continue
            }
            var colon = start
            while colon < lineEnd && bytes[colon] != UInt8(ascii: ":") { colon += 1 }
            guard colon < lineEnd, colon > start else {
                if malformed == nil { malformed = "line \(lineNumber) is not 'Field: value'" }
                continue
            }
            sawField = true
            hasField = true
            let name = UnsafeBufferPointer(rebasing: bytes[start..<colon])
            guard let slot = wanted.firstIndex(where: { $0.elementsEqual(name) }) else { continue }
            var valueStart = colon + 1
            while valueStart < lineEnd && bytes[valueStart] == UInt8(ascii: " ") { valueStart += 1 }
            fields[slot] = String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<lineEnd]), as: UTF8.self)
        }
        finish()
        return (packages, warnings)
    }

    static func items(_ packages: [Package]) -> [InventoryItem] {
        packages.map { package in
            InventoryItem(
                type: .software, key: package.name,
                fields: [
                    "SoftwareName": package.name, "CurrentVersion": package.version,
                    "Architecture": package.architecture, "Publisher": package.maintainer, "SoftwareType": "Package",
                ])
        }
    }
}
