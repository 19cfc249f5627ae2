import Automation
import Crypto
import Foundation

/// What an agent keeps in its `--state` folder between runs: its credential (mode 0600), the
/// digest of every item as last spooled (so the next collection sends only what changed), the
/// file index (so unchanged files are not hashed again), its counters, and the last settings
/// received (configuration.json). Each file is
/// written whole to a temporary name and renamed, so a kill -9 leaves the old or the new one.
struct AgentState: Codable, Sendable {
    /// The number of the last upload spooled (uploads count from 1).
    var sequence: Int64 = 0
    /// Item digests by "Type\u{0}key", as of the last spooled upload.
    var digests: [String: String] = [:]
    var index: FileIndex = [:]
    /// When each type was last collected and when the last full inventory was spooled.
    var collectedAt: [String: Date] = [:]
    var lastFull: Date?
    /// The settings version the digests were taken under (a new one makes the next upload full).
    var configurationVersion: Int?
    /// The next upload must carry everything (the service asked, or uploads were dropped).
    var needsFull = true
    var droppedBatches: Int64 = 0

    static func key(_ type: ConfigType, _ key: String) -> String { type.rawValue + "\u{0}" + key }

    /// The digest of an item's fields: equal fields, equal digest.
    static func digest(_ item: InventoryItem) -> String {
        var hasher = SHA256()
        for (name, value) in item.fields.sorted(by: { $0.key < $1.key }) {
            hasher.update(data: Data(name.utf8))
            hasher.update(data: [0])
            hasher.update(data: Data(value.utf8))
            hasher.update(data: [0])
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// The tracking settings as last received, with their ETag.
struct KeptConfiguration: Codable, Sendable {
    var etag: String?
    var configuration: AgentConfiguration
}

/// The agent's enrolment, kept once it succeeded.
struct AgentIdentity: Codable, Sendable {
    var server: String
    var machine: String
    var credential: String
}

/// The `--state` folder: identity, state and the spool of uploads not yet stored by the service.
struct AgentFolder: Sendable {
    let path: String

    var identityPath: String { path + "/identity.json" }
    var statePath: String { path + "/state.json" }
    var configurationPath: String { path + "/configuration.json" }
    var spoolPath: String { path + "/spool" }

    /// Creates the folder (mode 0700) and its spool; a path that is not a folder is an error.
    func prepare() throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw AgentError.state("\(path) is not a folder") }
        }
        try FileManager.default.createDirectory(
            atPath: spoolPath, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: path)
    }

    func read<T: Decodable>(_ type: T.Type, _ file: String) throws -> T? {
        guard FileManager.default.fileExists(atPath: file) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch {
            throw AgentError.state("\(file) cannot be read (\(error)); remove it to start afresh")
        }
    }

    /// Writes `value` to `file` through a temporary file and a rename, with `mode`.
    func write(_ value: some Encodable, _ file: String, mode: Int = 0o600) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        try write(data: try encoder.encode(value), file, mode: mode)
    }

    func write(data: Data, _ file: String, mode: Int = 0o600) throws {
        let temporary = file + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: mode])
        else { throw AgentError.state("cannot write \(temporary)") }
        guard rename(temporary, file) == 0 else {
            throw AgentError.state("cannot rename \(temporary): \(String(cString: strerror(errno)))")
        }
    }

    /// Spooled uploads, oldest first, with their sizes.
    func spooled() -> [(sequence: Int64, path: String, bytes: Int)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spoolPath)) ?? []
        return names.compactMap { name -> (Int64, String, Int)? in
            guard name.hasSuffix(".json"), let sequence = Int64(name.dropLast(5)) else { return nil }
            let file = spoolPath + "/" + name
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            return (sequence, file, size ?? 0)
        }.sorted { $0.0 < $1.0 }
    }

    func spoolFile(_ sequence: Int64) -> String { spoolPath + "/" + String(sequence) + ".json" }

    func clearSpool() {
        for item in spooled() { try? FileManager.default.removeItem(atPath: item.path) }
    }
}

/// What stops an agent, said plainly.
public enum AgentError: Error, CustomStringConvertible, Sendable {
    case state(String)
    case refused(String)
    case usage(String)

    public var description: String {
        switch self {
        case .state(let message): "state folder: \(message)"
        case .refused(let message): message
        case .usage(let message): message
        }
    }
}
