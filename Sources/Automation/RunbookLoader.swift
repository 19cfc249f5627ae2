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
    static let limits = ParseLimits(maxBytes: maxFileBytes, maxDepth: 64, maxExpandedNodes: 100_000)

    /// Loads `path`; `label` is how diagnostics name the file (the path as the user typed it).
    public static func load(path: String, label: String? = nil) throws(DiagnosticError) -> LoadedRunbook {
        let label = label ?? path
        let bytes = try FileText.read(path: path, label: label, maxBytes: maxFileBytes)
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let runbook = try parse(bytes, label: label, expectedName: stem)
        return LoadedRunbook(
            runbook: runbook, path: path, content: String(decoding: bytes, as: UTF8.self),
            digest: SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())
    }

    /// Parses and validates runbook text; every problem is reported.
    public static func parse(_ bytes: [UInt8], label: String, expectedName: String? = nil) throws(DiagnosticError)
        -> Runbook
    {
        let root: Node?
        do {
            root = try YAMLParser.parse(bytes, limits: limits)
        } catch {
            throw DiagnosticError([Diagnostic(file: label, mark: error.mark, message: error.message)])
        }
        guard let root else {
            throw DiagnosticError([
                Diagnostic(
                    file: label, mark: Mark(line: 1, column: 1),
                    message: "file is empty; a runbook is a mapping with 'name' and 'steps'")
            ])
        }
        var decoder = RunbookDecoder(file: label)
        let runbook = decoder.decode(root, expectedName: expectedName)
        guard let runbook, !decoder.sink.hasErrors else {
            throw DiagnosticError(decoder.sink.diagnostics)
        }
        return runbook
    }
}

/// Reads a whole text file with a size cap checked before reading, and located errors.
public enum FileText {
    public static func read(path: String, label: String, maxBytes: Int) throws(DiagnosticError) -> [UInt8] {
        let start = Mark(line: 1, column: 1)
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw DiagnosticError([Diagnostic(file: label, mark: start, message: "cannot read file: no such file")])
        }
        if attributes[.type] as? FileAttributeType == .typeDirectory {
            throw DiagnosticError([Diagnostic(file: label, mark: start, message: "is a folder, not a file")])
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxBytes else {
            throw DiagnosticError([
                Diagnostic(file: label, mark: start, message: "file is \(size) bytes; the limit is \(maxBytes) bytes")
            ])
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DiagnosticError([Diagnostic(file: label, mark: start, message: "cannot read file: permission denied")]
            )
        }
        guard data.count <= maxBytes else {
            throw DiagnosticError([
                Diagnostic(
                    file: label, mark: start, message: "file is \(data.count) bytes; the limit is \(maxBytes) bytes")
            ])
        }
        return [UInt8](data)
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
                return "error: no runbook '\(name)' in \(folder)/ (looked for \(name).yaml)\(hint)"
            case .invalid(let error):
                return error.description
            }
        }
    }
}
