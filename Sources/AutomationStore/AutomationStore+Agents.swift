import Automation
import Foundation
import GRDB

/// Agents on machines (`runbook agent`): each enrolment registers the machine and its agent's
/// credential together; the store keeps the credential's SHA-256, never its secret. A removed
/// machine takes its agent row with it (the credential is useless at once).
extension AutomationStore {
    public func enrollAgent(_ machine: Machine, agent: AgentInfo, secretHash: String, at now: Date) async throws {
        try await asyncWrite { db in
            if let existing = try Row.fetchOne(
                db, sql: "SELECT id, sourceKind FROM machine WHERE name = ?", arguments: [machine.name])
            {
                let kind: String = existing["sourceKind"]
                guard kind == MachineSource.agent.kind else {
                    throw StoreError.alreadyExists(kind: "machine", name: machine.name)
                }
            }
            if let gateway = machine.network.gateway,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM gateway WHERE name = ?", arguments: [gateway]) == 0
            {
                try Self.save(Gateway(name: gateway, rules: AzureEndpoints.directRules), db: db)
            }
            try Self.register(machine, replace: true, db: db, at: now)
            let machineId = try Int64.fetchOne(
                db, sql: "SELECT id FROM machine WHERE name = ?", arguments: [machine.name])
            try db.execute(sql: "DELETE FROM agent WHERE machineId = ?", arguments: [machineId])
            try db.execute(
                sql: """
                    INSERT INTO agent (machineId, credentialId, secretHash, enrolledAt, version, route, address,
                        lastSeenAt, lastSequence, droppedBatches, revokedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, NULL)
                    """,
                arguments: [
                    machineId, agent.credentialId, secretHash, now, agent.version, agent.route.rawValue,
                    agent.address, now,
                ])
        }
    }

    public func agentCredential(id: String) async throws -> AgentCredential? {
        try await asyncRead { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: Self.agentSelect + " WHERE a.credentialId = ?", arguments: [id])
            else { return nil }
            return AgentCredential(agent: try Self.agent(row), secretHash: try StoredRow(row).text("secretHash"))
        }
    }

    public func agents() async throws -> [AgentInfo] {
        try await asyncRead { db in
            try Row.fetchAll(db, sql: Self.agentSelect + " ORDER BY m.name").map(Self.agent)
        }
    }

    public func agentSeen(machine: String, beat: AgentBeat, at now: Date) async throws {
        try await asyncWrite { db in
            guard
                let machineId = try Int64.fetchOne(
                    db, sql: "SELECT id FROM machine WHERE name = ?", arguments: [machine])
            else { throw StoreError.notFound(kind: "machine", name: machine, hint: "") }
            try db.execute(
                sql: """
                    UPDATE agent SET version = ?, route = ?, address = ?, droppedBatches = ?, lastSeenAt = ?
                    WHERE machineId = ?
                    """,
                arguments: [beat.version, beat.route.rawValue, beat.address, beat.droppedBatches, now, machineId])
            try Self.recordHeartbeat(db, machineId: machineId, at: now)
        }
    }

    public func revokeAgent(machine: String, at now: Date) async throws -> Bool {
        try await asyncWrite { db in
            try db.execute(
                sql: """
                    UPDATE agent SET revokedAt = COALESCE(revokedAt, ?)
                    WHERE machineId = (SELECT id FROM machine WHERE name = ?)
                    """, arguments: [now, machine])
            return db.changesCount == 1
        }
    }

    static let agentSelect = """
        SELECT m.name AS machine, a.credentialId, a.secretHash, a.enrolledAt, a.version, a.route, a.address,
            a.lastSeenAt, a.lastSequence, a.droppedBatches, a.revokedAt
        FROM agent a JOIN machine m ON m.id = a.machineId
        """

    static func agent(_ row: Row) throws -> AgentInfo {
        let stored = StoredRow(row)
        do {
            let routeText = try stored.text("route")
            guard let route = MachineNetwork.Route(rawValue: routeText) else {
                throw RowProblem(column: "route", message: "is '\(routeText)', not direct or gateway")
            }
            return AgentInfo(
                machine: try stored.text("machine"), credentialId: try stored.text("credentialId"),
                enrolledAt: try stored.date("enrolledAt"), version: try stored.text("version"), route: route,
                address: try stored.text("address"), lastSeenAt: try stored.optionalDate("lastSeenAt"),
                lastSequence: Int64(try stored.integer("lastSequence")),
                droppedBatches: Int64(try stored.integer("droppedBatches")),
                revokedAt: try stored.optionalDate("revokedAt"))
        } catch {
            throw StoreError.unreadable(Self.unreadable(row, table: "agent", key: "machine", error))
        }
    }
}

extension AsyncAutomationStore: AgentStoring {
    public func enrollAgent(_ machine: Machine, agent: AgentInfo, secretHash: String, at now: Date) async throws {
        try await store.enrollAgent(machine, agent: agent, secretHash: secretHash, at: now)
    }

    public func agentCredential(id: String) async throws -> AgentCredential? {
        try await store.agentCredential(id: id)
    }

    public func agents() async throws -> [AgentInfo] {
        try await store.agents()
    }

    public func agentSeen(machine: String, beat: AgentBeat, at now: Date) async throws {
        try await store.agentSeen(machine: machine, beat: beat, at: now)
    }

    public func revokeAgent(machine: String, at now: Date) async throws -> Bool {
        try await store.revokeAgent(machine: machine, at: now)
    }
}
