import Automation
import Foundation
import PostgresNIO

/// Agents on machines on PostgreSQL: enrolment registers the machine and the credential in one
/// transaction; a removed machine takes its agent row with it (ON DELETE CASCADE).
extension PostgresStore: AgentStoring {
    public func enrollAgent(_ machine: Machine, agent: AgentInfo, secretHash: String, at now: Date) async throws {
        let logger = logger
        try await transaction { connection in
            let existing = try await connection.rows(
                "SELECT source_kind FROM machine WHERE name = \(machine.name) FOR UPDATE", logger: logger
            ).first
            if let existing, try existing.decode(String.self) != MachineSource.agent.kind {
                throw StoreError.alreadyExists(kind: "machine", name: machine.name)
            }
            if let gateway = machine.network.gateway {
                _ = try await connection.rows(
                    """
                    INSERT INTO gateway (name, rules) VALUES (\(gateway), \(try JSONText.encode(AzureEndpoints.directRules))::jsonb)
                    ON CONFLICT (name) DO NOTHING
                    """, logger: logger)
            }
            _ = try await Self.register(machine, replace: true, at: now, connection, logger)
            let machineId = try await Self.machineId(machine.name, connection, logger)
            try await connection.query("DELETE FROM agent WHERE machine_id = \(machineId)", logger: logger)
            try await connection.query(
                """
                INSERT INTO agent (machine_id, credential_id, secret_hash, enrolled_at, version, route, address,
                    last_seen_at)
                VALUES (\(machineId), \(agent.credentialId), \(secretHash), \(now), \(agent.version),
                    \(agent.route.rawValue), \(agent.address), \(now))
                """, logger: logger)
        }
    }

    public func agentCredential(id: String) async throws -> AgentCredential? {
        guard let row = try await rows("\(unescaped: Self.agentSelect) WHERE a.credential_id = \(id)").first else {
            return nil
        }
        return try readOne(row, table: "agent", key: "machine") { columns in
            AgentCredential(agent: try Self.agent(columns), secretHash: try columns.text("secret_hash"))
        }
    }

    public func agents() async throws -> [AgentInfo] {
        readable(
            try await rows(PostgresQuery(unsafeSQL: Self.agentSelect + " ORDER BY m.name")), table: "agent",
            key: "machine", Self.agent)
    }

    public func agentSeen(machine: String, beat: AgentBeat, at now: Date) async throws {
        let logger = logger
        try await transaction { connection in
            let machineId = try await Self.machineId(machine, connection, logger)
            try await connection.query(
                """
                UPDATE agent SET version = \(beat.version), route = \(beat.route.rawValue), address = \(beat.address),
                    dropped_batches = \(beat.droppedBatches), last_seen_at = \(now)
                WHERE machine_id = \(machineId)
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO heartbeat (computer, time_generated, os_type, os_name, solutions, subscription,
                    resource_group, location, route, source_kind, machine_id)
                SELECT name, \(now), CASE family WHEN 'windows' THEN 'Windows' ELSE 'Linux' END, os,
                    COALESCE((SELECT string_agg(CASE solution WHEN 'ChangeTracking' THEN 'changeTracking'
                        ELSE 'inventory' END, ', ' ORDER BY solution)
                        FROM machine_solution WHERE machine_id = machine.id), ''),
                    subscription, resource_group, location, route, source_kind, id
                FROM machine WHERE id = \(machineId)
                """, logger: logger)
        }
    }

    public func revokeAgent(machine: String, at now: Date) async throws -> Bool {
        try await !rows(
            """
            UPDATE agent SET revoked_at = COALESCE(revoked_at, \(now))
            WHERE machine_id = (SELECT id FROM machine WHERE name = \(machine)) RETURNING 1
            """
        ).isEmpty
    }

    static let agentSelect = """
        SELECT m.name AS machine, a.credential_id, a.secret_hash, a.enrolled_at, a.version, a.route, a.address,
            a.last_seen_at, a.last_sequence, a.dropped_batches, a.revoked_at
        FROM agent a JOIN machine m ON m.id = a.machine_id
        """

    static func agent(_ row: StoredColumns) throws -> AgentInfo {
        AgentInfo(
            machine: try row.text("machine"), credentialId: try row.text("credential_id"),
            enrolledAt: try row.date("enrolled_at"), version: try row.text("version"),
            route: try row.enumeration(MachineNetwork.Route.self, "route"), address: try row.text("address"),
            lastSeenAt: try row.optionalDate("last_seen_at"), lastSequence: Int64(try row.integer("last_sequence")),
            droppedBatches: Int64(try row.integer("dropped_batches")), revokedAt: try row.optionalDate("revoked_at"))
    }
}
