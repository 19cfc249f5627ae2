import Automation
import Foundation
import GRDB

extension AutomationStore {
    /// Registers a machine; with `replace`, an existing one of the same name is updated
    /// (its tracking state is kept).
    public func registerMachine(_ machine: Machine, replace: Bool = false, at now: Date) throws {
        try writer.write { db in try Self.register(machine, replace: replace, db: db, at: now) }
    }

    static func register(_ machine: Machine, replace: Bool, db: Database, at now: Date) throws {
        try checkGateway(machine, db: db)
        var record = try record(machine, at: now)
        if let existing = try MachineRecord.filter(MachineRecord.Columns.name == machine.name).fetchOne(db) {
            guard replace else { throw StoreError.alreadyExists(kind: "machine", name: machine.name) }
            record.id = existing.id
            record.registeredAt = existing.registeredAt
            try record.update(db)
        } else {
            try record.insert(db)
        }
    }

    private static func checkGateway(_ machine: Machine, db: Database) throws {
        guard let gateway = machine.network.gateway else { return }
        if try GatewayRecord.filter(Column("name") == gateway).fetchCount(db) == 0 {
            let known = try String.fetchAll(db, sql: "SELECT name FROM gateway ORDER BY name")
            throw StoreError.notFound(
                kind: "Log Analytics gateway", name: gateway, hint: Suggestion.hint(for: gateway, among: known))
        }
    }

    public func machine(named name: String) throws -> MachineState? {
        try writer.read { db in
            guard let row = try Row.fetchOne(db, MachineRecord.filter(MachineRecord.Columns.name == name)) else {
                return nil
            }
            do {
                return try Self.state(MachineRecord(row: row), db: db)
            } catch {
                throw StoreError.unreadable(Self.unreadable(row, table: "machine", key: "name", error))
            }
        }
    }

    public func machines() throws -> [MachineState] {
        try writer.read { db in
            readable(
                try Row.fetchAll(db, MachineRecord.order(MachineRecord.Columns.name)), table: "machine", key: "name"
            ) {
                try Self.state(MachineRecord(row: $0), db: db)
            }
        }
    }

    public func machineNames() throws -> [String] {
        try writer.read { db in try String.fetchAll(db, sql: "SELECT name FROM machine ORDER BY name") }
    }

    /// Removes a machine and its tracking state; false when there was none.
    public func removeMachine(named name: String) throws -> Bool {
        try writer.write { db in
            try MachineRecord.filter(MachineRecord.Columns.name == name).deleteAll(db) > 0
        }
    }

    public func saveGateway(_ gateway: Gateway) throws {
        try writer.write { db in try Self.save(gateway, db: db) }
    }

    static func save(_ gateway: Gateway, db: Database) throws {
        let rules = try JSONColumn.encode(gateway.rules)
        if var existing = try GatewayRecord.filter(Column("name") == gateway.name).fetchOne(db) {
            existing.rules = rules
            try existing.update(db)
        } else {
            var record = GatewayRecord(id: nil, name: gateway.name, rules: rules)
            try record.insert(db)
        }
    }

    public func gateway(named name: String) throws -> Gateway? {
        try writer.read { db in
            guard let row = try Row.fetchOne(db, GatewayRecord.filter(Column("name") == name)) else { return nil }
            do {
                return try Self.gateway(row)
            } catch {
                throw StoreError.unreadable(Self.unreadable(row, table: "gateway", key: "name", error))
            }
        }
    }

    public func gateways() throws -> [Gateway] {
        try writer.read { db in
            readable(
                try Row.fetchAll(db, GatewayRecord.order(Column("name"))), table: "gateway", key: "name", Self.gateway)
        }
    }

    static func gateway(_ row: Row) throws -> Gateway {
        Gateway(name: try StoredRow(row).text("name"), rules: try StoredRow(row).json([NetworkRule].self, "rules"))
    }

    static func record(_ machine: Machine, at now: Date) throws -> MachineRecord {
        MachineRecord(
            id: nil, name: machine.name, os: machine.os, family: machine.family.rawValue,
            subscription: machine.subscription, resourceGroup: machine.resourceGroup,
            location: machine.location.name, tags: try JSONColumn.encode(machine.tags),
            route: machine.network.route.rawValue, gateway: machine.network.gateway,
            operationsManager: machine.network.operationsManager, rules: try JSONColumn.encode(machine.network.rules),
            sourceKind: machine.source.kind, sourcePath: machine.source.path, registeredAt: now)
    }

    static func state(_ record: MachineRecord, db: Database) throws -> MachineState {
        guard let os = OperatingSystem(record.os) else { throw unknown("os", record.os) }
        guard let location = Region(record.location) else { throw unknown("location", record.location) }
        guard let route = MachineNetwork.Route(rawValue: record.route) else { throw unknown("route", record.route) }
        guard let source = MachineSource(kind: record.sourceKind, path: record.sourcePath) else {
            throw unknown("sourceKind", record.sourceKind)
        }
        guard let tags = try? JSONColumn.decode([String: String].self, record.tags) else {
            throw RowProblem(column: "tags", message: "is not a JSON object of tag names and values")
        }
        guard let rules = try? JSONColumn.decode([NetworkRule].self, record.rules) else {
            throw RowProblem(column: "rules", message: "is not a JSON list of network rules")
        }
        let machine = Machine(
            name: record.name, os: os, subscription: record.subscription, resourceGroup: record.resourceGroup,
            location: location, tags: tags,
            network: MachineNetwork(
                route: route, gateway: record.gateway, operationsManager: record.operationsManager, rules: rules),
            source: source)
        var solutions: [Solution: Date] = [:]
        let rows = try Row.fetchAll(db, MachineSolutionRecord.filter(Column("machineId") == record.id))
        for row in rows {
            let solution = try MachineSolutionRecord(row: row)
            guard let kind = Solution(rawValue: solution.solution) else { throw unknown("solution", solution.solution) }
            solutions[kind] = solution.enabledAt
        }
        return MachineState(machine: machine, solutions: solutions, registeredAt: record.registeredAt)
    }
}

/// A stored text value this version has no meaning for.
private func unknown(_ column: String, _ value: String) -> RowProblem {
    RowProblem(column: column, message: "holds '\(StoredRow.clip(value))', which this version does not know")
}
