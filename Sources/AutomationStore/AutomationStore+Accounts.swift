import Automation
import Foundation
import GRDB

extension AutomationStore {
    /// Creates an account and, if it does not exist yet, its workspace; one transaction.
    /// The link is checked against Azure's rules first.
    public func createAccount(_ account: Account, workspace: Workspace, makeDefault: Bool, at now: Date) throws {
        try writer.write { db in
            try Self.createAccount(db, account, workspace: workspace, makeDefault: makeDefault, at: now)
        }
    }

    static func createAccount(
        _ db: Database, _ account: Account, workspace: Workspace, makeDefault: Bool, at now: Date
    ) throws {
        let problems = WorkspaceLink.problems(account: account, workspace: workspace)
        guard problems.isEmpty else { throw StoreError.invalid(problems.joined(separator: "\n")) }
        if try AccountRecord.filter(Column("name") == account.name).fetchOne(db) != nil {
            throw StoreError.alreadyExists(kind: "Automation account", name: account.name)
        }
        let workspaceId = try upsertWorkspace(workspace, db: db, at: now)
        let isFirst = try AccountRecord.fetchCount(db) == 0
        if makeDefault {
            try db.execute(sql: "UPDATE account SET isDefault = 0 WHERE isDefault = 1")
        }
        var record = AccountRecord(
            id: nil, name: account.name, subscription: account.subscription,
            resourceGroup: account.resourceGroup, region: account.region.name, workspaceId: workspaceId,
            profile: account.profile.rawValue, isDefault: makeDefault || isFirst, createdAt: now)
        try record.insert(db)
    }

    /// The default account with its workspace, if any account exists.
    public func defaultAccount() throws -> AccountState? {
        try writer.read(Self.defaultAccount)
    }

    static func defaultAccount(_ db: Database) throws -> AccountState? {
        guard let row = try Row.fetchOne(db, AccountRecord.filter(Column("isDefault") == true)) else { return nil }
        return try readAccount(row, db: db)
    }

    public func account(named name: String) throws -> AccountState? {
        try writer.read { db in
            guard let row = try Row.fetchOne(db, AccountRecord.filter(Column("name") == name)) else { return nil }
            return try Self.readAccount(row, db: db)
        }
    }

    /// The named account, or the default one when `name` is nil.
    public func account(namedOrDefault name: String?) throws -> AccountState? {
        try name.map { try account(named: $0) } ?? defaultAccount()
    }

    public func accounts() throws -> [AccountState] {
        try writer.read(accounts)
    }

    func accounts(_ db: Database) throws -> [AccountState] {
        readable(try Row.fetchAll(db, AccountRecord.order(Column("name"))), table: "account", key: "name") {
            try Self.state(AccountRecord(row: $0), db: db)
        }
    }

    public func workspace(named name: String) throws -> Workspace? {
        try writer.read { db in
            try WorkspaceRecord.filter(Column("name") == name).fetchOne(db).map(Self.workspace)
        }
    }

    public func setDefaultAccount(_ name: String) throws {
        try writer.write { db in
            guard try AccountRecord.filter(Column("name") == name).fetchCount(db) == 1 else {
                throw StoreError.notFound(kind: "Automation account", name: name, hint: "")
            }
            try db.execute(sql: "UPDATE account SET isDefault = 0 WHERE isDefault = 1")
            try db.execute(sql: "UPDATE account SET isDefault = 1 WHERE name = ?", arguments: [name])
        }
    }

    /// With no account in the store, creates the embedded default pair and registers
    /// `localMachine` (if any), in one transaction. Returns false when an account already
    /// existed: the check is made inside the transaction, so processes racing on a new store
    /// create one default between them.
    public func ensureDefaultSetup(account: Account, workspace: Workspace, localMachine: Machine?, at now: Date)
        throws -> Bool
    {
        try writer.write { db in
            guard try AccountRecord.fetchCount(db) == 0 else { return false }
            let workspaceId = try Self.upsertWorkspace(workspace, db: db, at: now)
            var record = AccountRecord(
                id: nil, name: account.name, subscription: account.subscription,
                resourceGroup: account.resourceGroup, region: account.region.name, workspaceId: workspaceId,
                profile: account.profile.rawValue, isDefault: true, createdAt: now)
            try record.insert(db)
            if let localMachine,
                try MachineRecord.filter(MachineRecord.Columns.name == localMachine.name).fetchCount(db) == 0
            {
                var machine = try Self.record(localMachine, at: now)
                try machine.insert(db)
            }
            return true
        }
    }

    static func upsertWorkspace(_ workspace: Workspace, db: Database, at now: Date) throws -> Int64 {
        if var existing = try WorkspaceRecord.filter(Column("name") == workspace.name).fetchOne(db) {
            existing.subscription = workspace.subscription
            existing.resourceGroup = workspace.resourceGroup
            existing.region = workspace.region.name
            try existing.update(db)
            return existing.id ?? 0
        }
        var record = WorkspaceRecord(
            id: nil, name: workspace.name, subscription: workspace.subscription,
            resourceGroup: workspace.resourceGroup, region: workspace.region.name, createdAt: now)
        try record.insert(db)
        return record.id ?? 0
    }

    /// One account's row, or `StoreError.unreadable` saying what is wrong with it.
    static func readAccount(_ row: Row, db: Database) throws -> AccountState {
        do {
            return try state(AccountRecord(row: row), db: db)
        } catch {
            throw StoreError.unreadable(unreadable(row, table: "account", key: "name", error))
        }
    }

    static func state(_ record: AccountRecord, db: Database) throws -> AccountState {
        guard let workspaceRecord = try WorkspaceRecord.fetchOne(db, key: record.workspaceId) else {
            throw StoreError.invalid("account '\(record.name)' refers to a missing workspace")
        }
        let workspace = try workspace(workspaceRecord)
        guard let region = Region(record.region), let profile = LimitsProfile(rawValue: record.profile) else {
            throw StoreError.invalid("account '\(record.name)' has an unknown region or profile in the store")
        }
        let account = Account(
            name: record.name, subscription: record.subscription, resourceGroup: record.resourceGroup,
            region: region, workspace: workspace.name, profile: profile)
        return AccountState(account: account, workspace: workspace, isDefault: record.isDefault)
    }

    static func workspace(_ record: WorkspaceRecord) throws -> Workspace {
        guard let region = Region(record.region) else {
            throw StoreError.invalid("workspace '\(record.name)' has an unknown region '\(record.region)' in the store")
        }
        return Workspace(
            name: record.name, subscription: record.subscription, resourceGroup: record.resourceGroup, region: region)
    }
}
