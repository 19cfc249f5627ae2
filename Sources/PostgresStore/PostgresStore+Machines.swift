import Automation
import Foundation
import PostgresNIO

/// Machines, gateways, enablement and scopes on PostgreSQL. Registering is one INSERT whose
/// unique name decides a race (`ON CONFLICT`); enabling inserts with `ON CONFLICT DO NOTHING`,
/// so the first enablement time is kept whichever node enables first.
extension PostgresStore: MachineStoring {
    static let machineColumns = """
        m.id, m.name, m.os, m.family, m.subscription, m.resource_group, m.location, m.tags::text AS tags, m.route,
        m.gateway, m.operations_manager, m.rules::text AS rules, m.source_kind, m.source_path, m.registered_at,
        s.solution, s.enabled_at
        FROM machine m LEFT JOIN machine_solution s ON s.machine_id = m.id
        """

    public func machines() async throws -> [MachineState] {
        let rows = try await rows(
            PostgresQuery(unsafeSQL: "SELECT \(Self.machineColumns) ORDER BY m.name, s.solution"))
        return machineStates(rows)
    }

    public func machine(named name: String) async throws -> MachineState? {
        let rows = try await rows("SELECT \(unescaped: Self.machineColumns) WHERE m.name = \(name) ORDER BY s.solution")
        guard let first = rows.first else { return nil }
        let machine = try readOne(first, table: "machine", key: "name", Self.machineState)
        return try Self.addSolutions(rows, to: machine)
    }

    public func machineNames() async throws -> [String] {
        try await rows("SELECT name FROM machine ORDER BY name").map { try $0.decode(String.self) }
    }

    public func registerMachine(_ machine: Machine, replace: Bool, at now: Date) async throws {
        let logger = logger
        try await transaction { connection in
            let stored = try await Self.register(machine, replace: replace, at: now, connection, logger)
            guard stored else { throw StoreError.alreadyExists(kind: "machine", name: machine.name) }
        }
    }

    /// Registers or (with `replace`) updates a machine in the caller's transaction; false when
    /// the name is taken and `replace` is not given. A gateway it names must exist.
    static func register(
        _ machine: Machine, replace: Bool, at now: Date, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> Bool {
        let tags = try JSONText.encode(machine.tags)
        let rules = try JSONText.encode(machine.network.rules)
        if let gateway = machine.network.gateway {
            let known = try await connection.rows("SELECT name FROM gateway ORDER BY name", logger: logger).map {
                try $0.decode(String.self)
            }
            guard known.contains(gateway) else {
                throw StoreError.notFound(
                    kind: "Log Analytics gateway", name: gateway, hint: Suggestion.hint(for: gateway, among: known))
            }
        }
        let onConflict =
            replace
            ? """
            DO UPDATE SET os = excluded.os, family = excluded.family, subscription = excluded.subscription,
                resource_group = excluded.resource_group, location = excluded.location, tags = excluded.tags,
                route = excluded.route, gateway = excluded.gateway,
                operations_manager = excluded.operations_manager, rules = excluded.rules,
                source_kind = excluded.source_kind, source_path = excluded.source_path
            """ : "DO NOTHING"
        let stored = try await connection.rows(
            """
            INSERT INTO machine (name, os, family, subscription, resource_group, location, tags, route, gateway,
                operations_manager, rules, source_kind, source_path, registered_at)
            VALUES (\(machine.name), \(machine.os), \(machine.family.rawValue), \(machine.subscription),
                \(machine.resourceGroup), \(machine.location.name), \(tags)::jsonb,
                \(machine.network.route.rawValue), \(machine.network.gateway),
                \(machine.network.operationsManager), \(rules)::jsonb, \(machine.source.kind),
                \(machine.source.path), \(now))
            ON CONFLICT (name) \(unescaped: onConflict) RETURNING 1
            """, logger: logger)
        return !stored.isEmpty
    }

    public func removeMachine(named name: String) async throws -> Bool {
        try await !rows("DELETE FROM machine WHERE name = \(name) RETURNING 1").isEmpty
    }

    public func saveGateway(_ gateway: Gateway) async throws {
        let logger = logger
        try await transaction { connection in _ = try await Self.save(gateway, connection, logger) }
    }

    /// Creates or updates a gateway in the caller's transaction; true when it was created.
    static func save(_ gateway: Gateway, _ connection: PostgresConnection, _ logger: Logger) async throws -> Bool {
        let rules = try JSONText.encode(gateway.rules)
        let row = try await connection.rows(
            """
            INSERT INTO gateway (name, rules) VALUES (\(gateway.name), \(rules)::jsonb)
            ON CONFLICT (name) DO UPDATE SET rules = excluded.rules RETURNING xmax = 0
            """, logger: logger
        ).first
        return try row?.decode(Bool.self) ?? false
    }

    public func gateways() async throws -> [Gateway] {
        let rows = try await rows("SELECT name, rules::text AS rules FROM gateway ORDER BY name")
        return readable(rows, table: "gateway", key: "name") { row in
            Gateway(
                name: try row.text("name"), rules: try row.json([NetworkRule].self, "rules", "a JSON list of rules"))
        }
    }

    public func enable(_ solutions: [Solution], on machines: [String], account: String, jobId: String?, at now: Date)
        async throws
    {
        let logger = logger
        try await transaction { connection in
            let accountId = try await Self.accountId(account, connection, logger)
            for name in machines {
                let machineId = try await Self.machineId(name, connection, logger)
                for solution in solutions {
                    try await connection.query(
                        """
                        INSERT INTO machine_solution (machine_id, solution, account_id, enabled_at, job_id)
                        VALUES (\(machineId), \(solution.rawValue), \(accountId), \(now), \(jobId))
                        ON CONFLICT (machine_id, solution) DO NOTHING
                        """, logger: logger)
                }
            }
        }
    }

    public func disable(_ solutions: [Solution], on machines: [String]) async throws {
        let logger = logger
        let names = solutions.map(\.rawValue)
        try await transaction { connection in
            for name in machines {
                let machineId = try await Self.machineId(name, connection, logger)
                try await connection.query(
                    "DELETE FROM machine_solution WHERE machine_id = \(machineId) AND solution = ANY(\(names))",
                    logger: logger)
            }
        }
    }

    public func setScope(_ solutions: [Solution], account: String, filter: ScopeFilter, at now: Date) async throws {
        let logger = logger
        let filterText = try JSONText.encode(filter)
        try await transaction { connection in
            let accountId = try await Self.accountId(account, connection, logger)
            for solution in solutions {
                try await connection.query(
                    """
                    INSERT INTO tracking_scope (account_id, solution, filter, created_at)
                    VALUES (\(accountId), \(solution.rawValue), \(filterText)::jsonb, \(now))
                    ON CONFLICT (account_id, solution) DO UPDATE SET filter = excluded.filter,
                        created_at = excluded.created_at
                    """, logger: logger)
            }
        }
    }

    public func clearScope(_ solutions: [Solution], account: String) async throws {
        let logger = logger
        let names = solutions.map(\.rawValue)
        try await transaction { connection in
            let accountId = try await Self.accountId(account, connection, logger)
            try await connection.query(
                "DELETE FROM tracking_scope WHERE account_id = \(accountId) AND solution = ANY(\(names))",
                logger: logger)
        }
    }

    public func scopes() async throws -> [TrackingScope] {
        let rows = try await rows(
            """
            SELECT a.name AS account, t.solution, t.filter::text AS filter
            FROM tracking_scope t JOIN account a ON a.id = t.account_id ORDER BY a.name, t.solution
            """)
        return readable(rows, table: "tracking_scope", key: "account") { row in
            TrackingScope(
                account: try row.text("account"), solution: try row.enumeration(Solution.self, "solution"),
                filter: try row.json(ScopeFilter.self, "filter", "a JSON scope filter"))
        }
    }

    static func accountId(_ name: String, _ connection: PostgresConnection, _ logger: Logger) async throws -> Int64 {
        guard
            let id = try await connection.rows("SELECT id FROM account WHERE name = \(name)", logger: logger).first?
                .decode(Int64.self)
        else { throw StoreError.notFound(kind: "Automation account", name: name, hint: "") }
        return id
    }

    /// The machine's id; `lock` takes its row lock, so that one machine's commits and removal
    /// happen one after another.
    static func machineId(_ name: String, _ connection: PostgresConnection, _ logger: Logger, lock: Bool = false)
        async throws -> Int64
    {
        let sql = "SELECT id FROM machine WHERE name = $1" + (lock ? " FOR UPDATE" : "")
        var binds = PostgresBindings()
        binds.append(name)
        guard
            let id = try await connection.rows(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).first?
                .decode(Int64.self)
        else { throw StoreError.notFound(kind: "machine", name: name, hint: "") }
        return id
    }

    /// Machines from rows of `machineColumns` (one row per enabled solution, ordered by name).
    func machineStates(_ rows: [PostgresRow]) -> [MachineState] {
        var groups: [[PostgresRow]] = []
        var lastName: String?
        for row in rows {
            let name = try? StoredColumns(row).text("name")
            if groups.isEmpty || name != lastName { groups.append([]) }
            groups[groups.count - 1].append(row)
            lastName = name
        }
        return groups.compactMap { group in
            readable([group[0]], table: "machine", key: "name", Self.machineState).first.flatMap { machine in
                do {
                    return try Self.addSolutions(group, to: machine)
                } catch {
                    reportUnreadable(
                        Self.unreadable(StoredColumns(group[0]), table: "machine_solution", key: "name", error))
                    return nil
                }
            }
        }
    }

    static func addSolutions(_ rows: [PostgresRow], to machine: MachineState) throws -> MachineState {
        var machine = machine
        for row in rows {
            let columns = StoredColumns(row)
            guard let solution = try columns.optionalText("solution") else { continue }
            guard let kind = Solution(rawValue: solution) else {
                throw ColumnProblem(
                    column: "solution",
                    message: "holds '\(StoredColumns.clip(solution))', which this version does not know")
            }
            machine.solutions[kind] = try columns.date("enabled_at")
        }
        return machine
    }

    static func machineState(_ row: StoredColumns) throws -> MachineState {
        func unknown(_ column: String) throws -> ColumnProblem {
            ColumnProblem(
                column: column,
                message: "holds '\(StoredColumns.clip(try row.text(column)))', which this version does not know")
        }
        guard let os = OperatingSystem(try row.text("os")) else { throw try unknown("os") }
        guard let location = Region(try row.text("location")) else { throw try unknown("location") }
        let route = try row.enumeration(MachineNetwork.Route.self, "route")
        guard let source = MachineSource(kind: try row.text("source_kind"), path: try row.optionalText("source_path"))
        else { throw try unknown("source_kind") }
        let machine = Machine(
            name: try row.text("name"), os: os, subscription: try row.text("subscription"),
            resourceGroup: try row.text("resource_group"), location: location,
            tags: try row.json([String: String].self, "tags", "a JSON object of tag names and values"),
            network: MachineNetwork(
                route: route, gateway: try row.optionalText("gateway"),
                operationsManager: try row.optionalText("operations_manager"),
                rules: try row.json([NetworkRule].self, "rules", "a JSON list of network rules")),
            source: source)
        return MachineState(machine: machine, solutions: [:], registeredAt: try row.date("registered_at"))
    }
}
