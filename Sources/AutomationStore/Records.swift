import Foundation
import GRDB

/// One record type per table; these stay inside the store, callers get domain values.
struct WorkspaceRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "workspace"
    var id: Int64?
    var name: String
    var subscription: String
    var resourceGroup: String
    var region: String
    var createdAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct AccountRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "account"
    var id: Int64?
    var name: String
    var subscription: String
    var resourceGroup: String
    var region: String
    var workspaceId: Int64
    var profile: String
    var isDefault: Bool
    var createdAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct GatewayRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "gateway"
    var id: Int64?
    var name: String
    var rules: String

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

struct MachineRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "machine"
    var id: Int64?
    var name: String
    var os: String
    var family: String
    var subscription: String
    var resourceGroup: String
    var location: String
    var tags: String
    var route: String
    var gateway: String?
    var operationsManager: String?
    var rules: String
    var sourceKind: String
    var sourcePath: String?
    var registeredAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    enum Columns {
        static let name = Column(CodingKeys.name)
    }
}

struct MachineSolutionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "machineSolution"
    var machineId: Int64
    var solution: String
    var accountId: Int64
    var enabledAt: Date
    var jobId: String?
}

struct TrackingScopeRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "trackingScope"
    var accountId: Int64
    var solution: String
    var filter: String
    var createdAt: Date
}

struct JobRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "job"
    var id: String
    var runbookName: String
    var runbookDigest: String
    var runbookContent: String
    var parameters: String
    var startReason: String
    var startedBy: String?
    var accountName: String?
    var targets: String
    var status: String
    var createdAt: Date
    var startedAt: Date?
    var endedAt: Date?
    var exception: String?
    var logVerbose: Bool
    var logProgress: Bool
    var ownerPid: Int?
    var ownerHost: String?
    var stopRequestedAt: Date?
    var suspendRequestedAt: Date?
    var checkpointStep: Int?
    var runbookSource: String?
    var restarts: Int
    var restartLimit: Int
    var waitRemaining: Double?
    var requestedBy: String?
    var runOn: String?

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let runbookName = Column(CodingKeys.runbookName)
        static let status = Column(CodingKeys.status)
        static let createdAt = Column(CodingKeys.createdAt)
    }
}

struct JobStatusRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "jobStatus"
    var jobId: String
    var seq: Int
    var status: String
    var at: Date

    enum Columns {
        static let jobId = Column(CodingKeys.jobId)
        static let seq = Column(CodingKeys.seq)
    }
}

struct JobStreamRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "jobStream"
    var jobId: String
    var seq: Int
    var stream: String
    var at: Date
    var message: String

    enum Columns {
        static let jobId = Column(CodingKeys.jobId)
        static let seq = Column(CodingKeys.seq)
        static let stream = Column(CodingKeys.stream)
    }
}

/// JSON columns: compact, keys sorted so equal values store equal text.
enum JSONColumn {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
