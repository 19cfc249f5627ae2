import Crypto
import Foundation
import YAML

/// A validated runbook with the exact bytes it came from.
public struct LoadedRunbook: Sendable {
    public var runbook: Runbook
    public var path: String
    public var content: String
    /// SHA-256 of the content, hex: what a job records as the version that ran.
    public var digest: String

    public init(runbook: Runbook, path: String, content: String, digest: String) {
        self.runbook = runbook
        self.path = path
        self.content = content
        self.digest = digest
    }
}

/// Reads and validates runbook files.
public enum RunbookLoader {
    /// Runbooks are small; a larger file is refused before it is read.
    public static let maxFileBytes = 1024 * 1024
    /// Aliases may repeat text, but not past four times the largest file.
    static let limits = ParseLimits(
        maxBytes: maxFileBytes, maxDepth: 64, maxExpandedNodes: 100_000, maxExpandedBytes: 4 * maxFileBytes)

    /// Loads `path`; `label` is how diagnostics name the file (the path as the user typed it).
    public static func load(path: String, label: String? = nil) throws(DiagnosticError) -> LoadedRunbook {
        let label = label ?? path
        let bytes = try FileText.read(path: path, label: label, maxBytes: maxFileBytes)
        let runbook = try parse(bytes, label: label, expectedName: fileStem(path))
        return LoadedRunbook(
            runbook: runbook, path: path, content: String(decoding: bytes, as: UTF8.self),
            digest: ContentDigest.sha256Hex(bytes))
    }

    /// Loads runbook text that is not a file: the content a job recorded, to resume it as it was.
    public static func load(content: String, label: String) throws(DiagnosticError) -> LoadedRunbook {
        let bytes = Array(content.utf8)
        let runbook = try parse(bytes, label: label)
        return LoadedRunbook(runbook: runbook, path: label, content: content, digest: ContentDigest.sha256Hex(bytes))
    }

    /// Parses and validates runbook text; every problem is reported.
    public static func parse(_ bytes: [UInt8], label: String, expectedName: String? = nil) throws(DiagnosticError)
        -> Runbook
    {
        let root = try SourceDocument.root(
            bytes, label: label, limits: limits, whatItIs: "a runbook is a mapping with 'name' and 'steps'")
        var decoder = RunbookDecoder(file: label)
        let runbook = decoder.decode(root, expectedName: expectedName)
        guard let runbook, !decoder.sink.hasErrors else {
            throw DiagnosticError(decoder.sink.diagnostics)
        }
        return runbook
    }
}

/// `runbooks/scan.yaml` -> `scan`.
func fileStem(_ path: String) -> String {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
    return String(name[..<dot])
}

/// SHA-256 as lowercase hex, the form jobs record.
public enum ContentDigest {
    private static let hexDigits = Array("0123456789abcdef".utf8)

    public static func sha256Hex(_ bytes: [UInt8]) -> String {
        sha256Hex(Array(SHA256.hash(data: bytes)), alreadyHashed: true)
    }

    /// Lowercase hex of digest bytes.
    public static func sha256Hex(_ digest: [UInt8], alreadyHashed: Bool) -> String {
        var hex: [UInt8] = []
        hex.reserveCapacity(digest.count * 2)
        for byte in digest {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// Finds runbooks by name in a folder (`runbooks/` by default).
public struct RunbookLibrary: Sendable {
    public var folder: String

    public init(folder: String) {
        self.folder = folder
    }

    public func path(for name: String) -> String {
        (folder as NSString).appendingPathComponent("\(name).yaml")
    }

    /// Names of the runbooks in the folder, sorted.
    public func names() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    public func load(_ name: String) throws(LibraryError) -> LoadedRunbook {
        // A name is a file stem in this folder: never a path that leaves it.
        guard !name.isEmpty, !name.contains("/"), !name.contains("\0"), name != ".", name != ".." else {
            throw .notFound(name: Quoted.clip(name), folder: folder, hint: "")
        }
        let path = path(for: name)
        guard FileManager.default.fileExists(atPath: path) else {
            throw .notFound(name: name, folder: folder, hint: Suggestion.hint(for: name, among: names()))
        }
        do {
            return try RunbookLoader.load(path: path)
        } catch {
            throw .invalid(error)
        }
    }

    public enum LibraryError: Error, Sendable, CustomStringConvertible {
        case notFound(name: String, folder: String, hint: String)
        case invalid(DiagnosticError)

        public var description: String {
            switch self {
            case .notFound(let name, let folder, let hint):
                let file = name.count <= Quoted.maxCharacters ? " (looked for \(name).yaml)" : ""
                return "error: no runbook \(Quoted.clip(name)) in \(folder)/\(file)\(hint)"
            case .invalid(let error):
                return error.description
            }
        }
    }
}
