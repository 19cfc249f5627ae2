import Foundation
import GRDB

// Every record reads its row through `StoredRow`, never through GRDB's Decodable path: a value
// of the wrong type then throws a `RowProblem` naming the column instead of trapping or being
// read as 0. JSON columns stay text here; they are decoded (and checked) where a domain value
// is built.

extension WorkspaceRecord {
    init(row: Row) throws {
        let row = StoredRow(row)
        self.init(
            id: Int64(try row.integer("id")), name: try row.text("name"), subscription: try row.text("subscription"),
            resourceGroup: try row.text("resourceGroup"), region: try row.text("region"),
            createdAt: try row.date("createdAt"))
    }
}

extension AccountRecord {
    init(row: Row) throws {
        let row = StoredRow(row)
        self.init(
            id: Int64(try row.integer("id")), name: try row.text("name"), subscription: try row.text("subscription"),
            resourceGroup: try row.text("resourceGroup"), region: try row.text("region"),
            workspaceId: Int64(try row.integer("workspaceId")), profile: try row.text("profile"),
            isDefault: try row.bool("isDefault"), createdAt: try row.date("createdAt"))
    }
}

extension GatewayRecord {
    init(row: Row) throws {
        let row = StoredRow(row)
        self.init(id: Int64(try row.integer("id")), name: try row.text("name"), rules: try row.text("rules"))
    }
}

extension MachineRecord {
    init(row: Row) throws {
        let row = StoredRow(row)
        self.init(
            id: Int64(try row.integer("id")), name: try row.text("name"), os: try row.text("os"),
            family: try row.text("family"), subscription: try row.text("subscription"),
            resourceGroup: try row.text("resourceGroup"), location: try row.text("location"),
            tags: try row.text("tags"), route: try row.text("route"), gateway: try row.optionalText("gateway"),
            operationsManager: try row.optionalText("operationsManager"), rules: try row.text("rules"),
            sourceKind: try row.text("sourceKind"), sourcePath: try row.optionalText("sourcePath"),
            registeredAt: try row.date("registeredAt"))
    }
}

extension MachineSolutionRecord {
    init(row: Row) throws {
        let row = StoredRow(row)
        self.init(
            machineId: Int64(try row.integer("machineId")), solution: try row.text("solution"),
            accountId: Int64(try row.integer("accountId")), enabledAt: try row.date("enabledAt"),
            jobId: try row.optionalText("jobId"))
    }
}

extension TrackingScopeRecord {
    init(row: Row) throws {
        let row = StoredRow(row)
        self.init(
            accountId: Int64(try row.integer("accountId")), solution: try row.text("solution"),
            filter: try row.text("filter"), createdAt: try row.date("createdAt"))
    }
}

extension JobRecord {
    init(row: Row) throws {
        let row = StoredRow(row)
        self.init(
            id: try row.text("id"), runbookName: try row.text("runbookName"),
            runbookDigest: try row.text("runbookDigest"), runbookContent: try row.text("runbookContent"),
            parameters: try row.text("parameters"), startReason: try row.text("startReason"),
            startedBy: try row.optionalText("startedBy"), accountName: try row.optionalText("accountName"),
            targets: try row.text("targets"), status: try row.text("status"), createdAt: try row.date("createdAt"),
            startedAt: try row.optionalDate("startedAt"), endedAt: try row.optionalDate("endedAt"),
            exception: try row.optionalText("exception"), logVerbose: try row.bool("logVerbose"),
            logProgress: try row.bool("logProgress"), ownerPid: try row.optionalInteger("ownerPid"),
            ownerHost: try row.optionalText("ownerHost"), stopRequestedAt: try row.optionalDate("stopRequestedAt"),
            suspendRequestedAt: try row.optionalDate("suspendRequestedAt"),
            checkpointStep: try row.optionalInteger("checkpointStep"),
            runbookSource: try row.optionalText("runbookSource"), restarts: try row.integer("restarts"),
            restartLimit: try row.integer("restartLimit"), waitRemaining: try row.optionalDouble("waitRemaining"),
            requestedBy: try row.optionalText("requestedBy"), runOn: try row.optionalText("runOn"))
    }

    /// The exception may quote a runbook's message, NUL included: it is stored as `StoredText`.
    func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["runbookName"] = runbookName
        container["runbookDigest"] = runbookDigest
        container["runbookContent"] = StoredText.value(runbookContent)
        container["parameters"] = parameters
        container["startReason"] = startReason
        container["startedBy"] = startedBy
        container["accountName"] = accountName
        container["targets"] = targets
        container["status"] = status
        container["createdAt"] = createdAt
        container["startedAt"] = startedAt
        container["endedAt"] = endedAt
        container["exception"] = StoredText.value(exception)
        container["logVerbose"] = logVerbose
        container["logProgress"] = logProgress
        container["ownerPid"] = ownerPid
        container["ownerHost"] = ownerHost
        container["stopRequestedAt"] = stopRequestedAt
        container["suspendRequestedAt"] = suspendRequestedAt
        container["checkpointStep"] = checkpointStep
        container["runbookSource"] = runbookSource
        container["restarts"] = restarts
        container["restartLimit"] = restartLimit
        container["waitRemaining"] = waitRemaining
        container["requestedBy"] = requestedBy
        container["runOn"] = runOn
    }
}

extension JobStatusRecord {
    init(row: Row) throws {
        let row = StoredRow(row)
        self.init(
            jobId: try row.text("jobId"), seq: try row.integer("seq"), status: try row.text("status"),
            at: try row.date("at"))
    }
}

extension JobStreamRecord {
    init(row: Row) throws {
        let row = StoredRow(row)
        self.init(
            jobId: try row.text("jobId"), seq: try row.integer("seq"), stream: try row.text("stream"),
            at: try row.date("at"), message: try row.text("message"))
    }
}
