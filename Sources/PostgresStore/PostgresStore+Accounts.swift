import Automation
import Foundation
import PostgresNIO

extension PostgresStore: AccountStoring {
    static let accountColumns = """
        a.name, a.subscription, a.resource_group, a.region, a.profile, a.is_default,
        w.name AS workspace_name, w.subscription AS workspace_subscription,
        w.resource_group AS workspace_resource_group, w.region AS workspace_region
        FROM account a JOIN workspace w ON w.id = a.workspace_id
        """

    public func accounts() async throws -> [AccountState] {
        let rows = try await rows(PostgresQuery(unsafeSQL: "SELECT \(Self.accountColumns) ORDER BY a.name"))
        return readable(rows, table: "account", key: "name", Self.account)
    }

    public func defaultAccount() async throws -> AccountState? {
        let rows = try await rows(PostgresQuery(unsafeSQL: "SELECT \(Self.accountColumns) WHERE a.is_default"))
        return try rows.first.map { try readOne($0, table: "account", key: "name", Self.account) }
    }

    /// One transaction holding the account table's EXCLUSIVE lock (readers go on): whether this is
    /// the first account (it becomes the default) and the one-default rule are decided with no
    /// other creator in between. Accounts are created rarely; nothing waits long.
    public func createAccount(_ account: Account, workspace: Workspace, makeDefault: Bool, at now: Date) async throws {
        let problems = WorkspaceLink.problems(account: account, workspace: workspace)
        guard problems.isEmpty else { throw StoreError.invalid(problems.joined(separator: "\n")) }
        let logger = logger
        try await transaction { connection in
            try await connection.query("LOCK TABLE account IN EXCLUSIVE MODE", logger: logger)
            let taken = try await connection.rows(
                "SELECT 1 FROM account WHERE name = \(account.name)", logger: logger)
            guard taken.isEmpty else { throw StoreError.alreadyExists(kind: "Automation account", name: account.name) }
            let (workspaceId, _) = try await Self.upsertWorkspace(workspace, at: now, connection, logger)
            let isFirst = try await connection.rows("SELECT 1 FROM account LIMIT 1", logger: logger).isEmpty
            if makeDefault {
                try await connection.query("UPDATE account SET is_default = false WHERE is_default", logger: logger)
            }
            try await connection.query(
                """
                INSERT INTO account (name, subscription, resource_group, region, workspace_id, profile, is_default,
                    created_at)
                VALUES (\(account.name), \(account.subscription), \(account.resourceGroup), \(account.region.name),
                    \(workspaceId), \(account.profile.rawValue), \(makeDefault || isFirst), \(now))
                """, logger: logger)
        }
    }

    /// Creates the workspace or updates its settings, in the caller's transaction; returns its
    /// id and whether it was created.
    static func upsertWorkspace(
        _ workspace: Workspace, at now: Date, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> (id: Int64, created: Bool) {
        let rows = try await connection.rows(
            """
            INSERT INTO workspace (name, subscription, resource_group, region, created_at)
            VALUES (\(workspace.name), \(workspace.subscription), \(workspace.resourceGroup),
                \(workspace.region.name), \(now))
            ON CONFLICT (name) DO UPDATE SET subscription = excluded.subscription,
                resource_group = excluded.resource_group, region = excluded.region
            RETURNING id, xmax = 0
            """, logger: logger)
        guard let stored = try rows.first?.decode((Int64, Bool).self) else {
            throw StoreError.invalid("workspace '\(workspace.name)' was not stored")
        }
        return stored
    }

    static func account(_ row: StoredColumns) throws -> AccountState {
        guard let region = Region(try row.text("region")) else {
            throw ColumnProblem(column: "region", message: "holds a region this version does not know")
        }
        guard let profile = LimitsProfile(rawValue: try row.text("profile")) else {
            throw ColumnProblem(column: "profile", message: "holds a profile this version does not know")
        }
        guard let workspaceRegion = Region(try row.text("workspace_region")) else {
            throw ColumnProblem(column: "workspace_region", message: "holds a region this version does not know")
        }
        let workspace = Workspace(
            name: try row.text("workspace_name"), subscription: try row.text("workspace_subscription"),
            resourceGroup: try row.text("workspace_resource_group"), region: workspaceRegion)
        let account = Account(
            name: try row.text("name"), subscription: try row.text("subscription"),
            resourceGroup: try row.text("resource_group"), region: region, workspace: workspace.name,
            profile: profile)
        return AccountState(account: account, workspace: workspace, isDefault: try row.bool("is_default"))
    }
}
