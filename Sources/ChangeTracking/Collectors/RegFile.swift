import Automation
import Foundation

/// A registry value as a `.reg` export holds it.
struct RegistryValue: Sendable, Hashable {
    var name: String
    var type: String
    /// The data as regedit shows it.
    var data: String
}

struct RegistryKeyData: Sendable, Hashable {
    var path: String
    /// By lowercased value name (registry names are case-insensitive).
    var values: [String: RegistryValue] = [:]
}

/// Registry keys from `.reg` exports ("Windows Registry Editor Version 5.00", UTF-16LE with BOM
/// as regedit writes them, or UTF-8), applied in order, deletions included.
struct RegistryHive: Sendable {
    /// By uppercased key path.
    private(set) var keys: [String: RegistryKeyData] = [:]
    private(set) var warnings: [String] = []
    /// Uppercased path -> its direct children's uppercased paths, including folders that are
    /// only a prefix of a key: a `[-key]` deletion visits its subtree, never every key (50,000
    /// deletions of a large hive stay linear).
    private var children: [String: Set<String>] = [:]

    func key(_ path: String) -> RegistryKeyData? { keys[path.uppercased()] }

    /// Direct subkeys of `path`.
    func subkeys(of path: String) -> [RegistryKeyData] {
        (children[path.uppercased()] ?? []).compactMap { keys[$0] }.sorted { $0.path < $1.path }
    }

    /// Applies one export; problems become warnings naming the file and line, and the rest still
    /// applies. A set `cancelled` stops it between lines (the scan it serves is being stopped).
    mutating func apply(_ bytes: [UInt8], file: String, cancelled: OnceFlag = OnceFlag()) {
        let text = Self.decode(bytes)
        let lines = TextLines.split(text)
        guard let header = lines.first?.trimmingCharacters(in: .whitespaces),
            header == "Windows Registry Editor Version 5.00" || header == "REGEDIT4"
        else {
            warnings.append(
                "\(file):1: not a registry export (the first line must be 'Windows Registry Editor Version 5.00'); file skipped"
            )
            return
        }
        var current: String?
        var index = 1
        while index < lines.count {
            if index % 1024 == 0 && cancelled.isSet {
                warnings.append("\(file):\(index + 1): reading stopped, the scan was interrupted")
                return
            }
            let lineNumber = index + 1
            var line = lines[index]
            index += 1
            // A trailing backslash continues hex data on the next line. The pieces are joined
            // once: appending to the growing line each time made 20,000 lines quadratic.
            if line.hasSuffix("\\") && !line.hasPrefix("[") {
                var pieces = [line.dropLast()]
                var complete = false
                while index < lines.count {
                    let next = lines[index].trimmingCharacters(in: .whitespaces)
                    index += 1
                    guard next.hasSuffix("\\") else {
                        pieces.append(Substring(next))
                        complete = true
                        break
                    }
                    pieces.append(Substring(next).dropLast())
                }
                guard complete else {
                    warnings.append("\(file):\(lineNumber): value continues past the end of the file; skipped")
                    break
                }
                line = pieces.joined()
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix(";") { continue }
            if trimmed.hasPrefix("[-"), trimmed.hasSuffix("]") {
                delete(String(trimmed.dropFirst(2).dropLast()).uppercased())
                current = nil
                continue
            }
            if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
                let path = String(trimmed.dropFirst().dropLast())
                insert(path)
                current = path.uppercased()
                continue
            }
            guard let keyPath = current else {
                warnings.append("\(file):\(lineNumber): value outside any [key]; skipped")
                continue
            }
            switch Self.parseValue(trimmed) {
            case .success(let parsed):
                if let value = parsed {
                    keys[keyPath]?.values[value.name.lowercased()] = value
                }
            case .failure(let problem):
                if case .deletion(let name) = problem {
                    keys[keyPath]?.values[name.lowercased()] = nil
                } else {
                    warnings.append("\(file):\(lineNumber): \(problem); value skipped")
                }
            }
        }
    }

    /// Adds a key (if new) and links it below each of its ancestors.
    private mutating func insert(_ path: String) {
        let upper = path.uppercased()
        guard keys[upper] == nil else { return }
        keys[upper] = RegistryKeyData(path: path)
        var child = upper
        while let cut = child.lastIndex(of: "\\") {
            let parent = String(child[..<cut])
            // Already linked: so is the rest of the chain above it.
            guard children[parent, default: []].insert(child).inserted else { break }
            child = parent
        }
    }

    /// Removes a key and everything below it, visiting only that subtree.
    private mutating func delete(_ upper: String) {
        var pending = [upper]
        while let next = pending.popLast() {
            keys[next] = nil
            if let below = children.removeValue(forKey: next) { pending += below }
        }
        if let cut = upper.lastIndex(of: "\\") { children[String(upper[..<cut])]?.remove(upper) }
    }

    enum ValueProblem: Error, CustomStringConvertible {
        case deletion(String)
        case malformed(String)

        var description: String {
            switch self {
            case .deletion(let name): return "deletion of \(name)"
            case .malformed(let text): return text
            }
        }
    }

    /// One `"name"=data` line; `.failure(.deletion)` for `"name"=-`.
    static func parseValue(_ line: String) -> Result<RegistryValue?, ValueProblem> {
        var rest = Substring(line)
        let name: String
        if rest.hasPrefix("@=") {
            name = "(Default)"
            rest = rest.dropFirst(2)
        } else if rest.hasPrefix("\"") {
            guard let (parsed, remainder) = quoted(rest), remainder.hasPrefix("=") else {
                return .failure(.malformed("malformed value name"))
            }
            name = parsed
            rest = remainder.dropFirst()
        } else {
            return .failure(.malformed("line is neither [key] nor \"name\"=value"))
        }
        if rest == "-" { return .failure(.deletion(name)) }
        if rest.hasPrefix("\"") {
            guard let (text, remainder) = quoted(rest), remainder.isEmpty else {
                return .failure(.malformed("unterminated string for '\(name)' (truncated value?)"))
            }
            return .success(RegistryValue(name: name, type: "REG_SZ", data: text))
        }
        if rest.hasPrefix("dword:") {
            let digits = rest.dropFirst(6)
            guard digits.count == 8, let number = UInt32(digits, radix: 16) else {
                return .failure(.malformed("dword for '\(name)' is not 8 hex digits (truncated value?)"))
            }
            return .success(
                RegistryValue(name: name, type: "REG_DWORD", data: String(format: "0x%08x (%u)", number, number)))
        }
        guard rest.hasPrefix("hex") else {
            let prefix = rest.prefix(while: { $0 != ":" })
            return .failure(.malformed("unknown value type '\(prefix)' for '\(name)'"))
        }
        var kind = 3
        var body = rest.dropFirst(3)
        if body.hasPrefix("(") {
            guard let close = body.firstIndex(of: ")"),
                let number = Int(body[body.index(after: body.startIndex)..<close], radix: 16)
            else {
                return .failure(.malformed("unknown value type '\(rest.prefix(while: { $0 != ":" }))' for '\(name)'"))
            }
            kind = number
            body = body[body.index(after: close)...]
        }
        guard body.hasPrefix(":") else { return .failure(.malformed("missing ':' after the type of '\(name)'")) }
        let hex = body.dropFirst().split(separator: ",", omittingEmptySubsequences: false)
        var bytes: [UInt8] = []
        if !(hex.count == 1 && hex[0].isEmpty) {
            for pair in hex {
                guard pair.count == 2, let byte = UInt8(pair, radix: 16) else {
                    return .failure(.malformed("bad hex byte '\(pair)' in '\(name)' (truncated value?)"))
                }
                bytes.append(byte)
            }
        }
        switch kind {
        case 0: return .success(RegistryValue(name: name, type: "REG_NONE", data: hexString(bytes)))
        case 1: return .success(RegistryValue(name: name, type: "REG_SZ", data: utf16(bytes).first ?? ""))
        case 2: return .success(RegistryValue(name: name, type: "REG_EXPAND_SZ", data: utf16(bytes).first ?? ""))
        case 3: return .success(RegistryValue(name: name, type: "REG_BINARY", data: hexString(bytes)))
        case 4:
            guard bytes.count == 4 else { return .failure(.malformed("REG_DWORD '\(name)' is not 4 bytes")) }
            let number = bytes.reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return .success(
                RegistryValue(name: name, type: "REG_DWORD", data: String(format: "0x%08x (%u)", number, number)))
        case 7:
            return .success(RegistryValue(name: name, type: "REG_MULTI_SZ", data: utf16(bytes).joined(separator: "\n")))
        case 0xb:
            guard bytes.count == 8 else {
                return .failure(.malformed("REG_QWORD '\(name)' is not 8 bytes (truncated value?)"))
            }
            let number = bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return .success(
                RegistryValue(name: name, type: "REG_QWORD", data: String(format: "0x%016llx (%llu)", number, number)))
        default:
            return .failure(.malformed("unknown value type 'hex(\(String(kind, radix: 16)))' for '\(name)'"))
        }
    }

    /// A `"..."` string with `\\` and `\"` escapes, and what follows it.
    static func quoted(_ text: Substring) -> (String, Substring)? {
        var result = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex {
            let character = text[index]
            if character == "\\" {
                let next = text.index(after: index)
                guard next < text.endIndex else { return nil }
                result.append(text[next])
                index = text.index(after: next)
            } else if character == "\"" {
                return (result, text[text.index(after: index)...])
            } else {
                result.append(character)
                index = text.index(after: index)
            }
        }
        return nil
    }

    /// NUL-separated UTF-16LE strings.
    static func utf16(_ bytes: [UInt8]) -> [String] {
        var units: [UInt16] = []
        for index in stride(from: 0, to: bytes.count - 1, by: 2) {
            units.append(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)
        }
        return units.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF16.self) }
    }

    static func hexString(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined(separator: " ")
    }

    static func decode(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0xFF, 0xFE]) {
            var units: [UInt16] = []
            for index in stride(from: 2, to: bytes.count - 1, by: 2) {
                units.append(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)
            }
            return String(decoding: units, as: UTF16.self)
        }
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        return String(decoding: body, as: UTF8.self)
    }
}
