import KQL

/// The workspace's tables as KQL sees them: Azure's names, columns and types, each column an
/// SQL expression over the store's own records (no copies that can drift). Field columns read
/// the FieldsCodec text through `rb_field(text, key)`, registered by `LogAnalyticsFunctions`.
public enum LogAnalyticsSchema {
    public static let schema = KQLSchema(tables: [
        configurationChange, configurationData, heartbeat, azureDiagnostics,
    ])

    /// The names `runbook query` and the portal list for people.
    public static var tableNames: [String] { schema.tables.map(\.name) }

    static let configurationChange = KQLTable(
        name: "ConfigurationChange",
        source: "configurationChange AS c LEFT JOIN machine AS m ON m.name = c.computer",
        columns: [
            KQLColumn(name: "TimeGenerated", type: .datetime, sql: "c.timeGenerated"),
            KQLColumn(name: "Computer", type: .string, sql: "c.computer"),
            KQLColumn(name: "ConfigChangeType", type: .string, sql: "c.configChangeType"),
            KQLColumn(name: "ChangeCategory", type: .string, sql: "c.changeCategory"),
            KQLColumn(name: "FieldsChanged", type: .string, sql: "c.fieldsChanged"),
            KQLColumn(
                name: "Current", type: .string,
                sql: "CASE c.configChangeType WHEN 'Software' THEN rb_field(c.current, 'CurrentVersion') ELSE '' END"),
            KQLColumn(
                name: "Previous", type: .string,
                sql: "CASE c.configChangeType WHEN 'Software' THEN rb_field(c.previous, 'CurrentVersion') ELSE '' END"),
            KQLColumn(
                name: "FileSystemPath", type: .string,
                sql: "CASE c.configChangeType WHEN 'Files' THEN c.itemKey ELSE '' END"),
            KQLColumn(
                name: "SoftwareName", type: .string,
                sql: "CASE c.configChangeType WHEN 'Software' THEN c.itemKey ELSE '' END"),
            KQLColumn(name: "SvcChangeType", type: .string, sql: "COALESCE(c.svcChangeType, '')"),
        ] + fieldColumns(ChangeColumns.current, from: "c.current")
            + fieldColumns(ChangeColumns.previous, from: "c.previous")
            + machineColumns(table: "ConfigurationChange"),
        rowKey: "c.id"
    )

    static let configurationData = KQLTable(
        name: "ConfigurationData",
        source: """
            configurationData AS d JOIN machine AS m ON m.id = d.machineId \
            LEFT JOIN machineScan AS s ON s.machineId = d.machineId
            """,
        columns: [
            KQLColumn(name: "TimeGenerated", type: .datetime, sql: "COALESCE(s.lastEndedAt, d.timeGenerated)"),
            KQLColumn(name: "Computer", type: .string, sql: "m.name"),
            KQLColumn(name: "ConfigDataType", type: .string, sql: "d.configDataType"),
            KQLColumn(
                name: "FileSystemPath", type: .string,
                sql: "CASE d.configDataType WHEN 'Files' THEN d.itemKey ELSE '' END"),
            KQLColumn(
                name: "SoftwareName", type: .string,
                sql: "CASE d.configDataType WHEN 'Software' THEN d.itemKey ELSE '' END"),
        ] + fieldColumns(DataColumns.fields, from: "d.fields") + machineColumns(table: "ConfigurationData")
    )

    static let heartbeat = KQLTable(
        name: "Heartbeat",
        source: "heartbeat AS h",
        columns: [
            KQLColumn(name: "TimeGenerated", type: .datetime, sql: "h.timeGenerated"),
            KQLColumn(name: "Computer", type: .string, sql: "h.computer"),
            KQLColumn(name: "OSType", type: .string, sql: "h.osType"),
            KQLColumn(name: "OSName", type: .string, sql: "h.osName"),
            KQLColumn(name: "Solutions", type: .string, sql: "h.solutions"),
            KQLColumn(
                name: "ComputerEnvironment", type: .string,
                sql: "CASE h.sourceKind WHEN 'local' THEN 'Non-Azure' ELSE 'Azure' END"),
            KQLColumn(
                name: "Category", type: .string,
                sql: "CASE h.route WHEN 'gateway' THEN 'Gateway' ELSE 'Direct Agent' END"),
            KQLColumn(name: "ResourceGroup", type: .string, sql: "h.resourceGroup"),
            KQLColumn(name: "SubscriptionId", type: .string, sql: "h.subscription"),
            KQLColumn(name: "RemoteIPCountry", type: .string, sql: "''"),
            KQLColumn(name: "ResourceProvider", type: .string, sql: "'Microsoft.Compute'"),
            KQLColumn(name: "ResourceType", type: .string, sql: "'virtualMachines'"),
            KQLColumn(name: "Resource", type: .string, sql: "h.computer"),
            KQLColumn(name: "ResourceId", type: .string, sql: resourceId(alias: "h", name: "h.computer")),
            KQLColumn(name: "_ResourceId", type: .string, sql: resourceId(alias: "h", name: "h.computer")),
            KQLColumn(name: "_SubscriptionId", type: .string, sql: "h.subscription"),
            KQLColumn(name: "SourceComputerId", type: .guid, sql: sourceComputerId("h.machineId")),
            KQLColumn(
                name: "SourceSystem", type: .string,
                sql: "CASE h.osType WHEN 'Windows' THEN 'OpsManager' ELSE 'Linux' END"),
            KQLColumn(name: "Type", type: .string, sql: "'Heartbeat'"),
        ],
        rowKey: "h.id"
    )

    /// `resourceId` as Log Analytics writes it: lower case, a virtual machine of Microsoft.Compute.
    static func resourceId(alias: String, name: String) -> String {
        "lower('/subscriptions/' || \(alias).subscription || '/resourceGroups/' || \(alias).resourceGroup "
            + "|| '/providers/Microsoft.Compute/virtualMachines/' || \(name))"
    }

    /// A machine's agent id: a stable GUID made from the machine's row id.
    static func sourceComputerId(_ id: String) -> String {
        "printf('00000000-0000-4000-8000-%012d', \(id))"
    }

    /// Typed columns read from an item's fields; a missing field is empty (a string) or null.
    static func fieldColumns(_ columns: [(name: String, field: String, type: KQLType)], from text: String)
        -> [KQLColumn]
    {
        columns.map { column in
            let raw = "rb_field(\(text), '\(column.field)')"
            switch column.type {
            case .long: return KQLColumn(name: column.name, type: .long, sql: "CAST(NULLIF(\(raw), '') AS INTEGER)")
            case .datetime:
                return KQLColumn(
                    name: column.name, type: .datetime, sql: "strftime('%Y-%m-%d %H:%M:%f', NULLIF(\(raw), ''))")
            default: return KQLColumn(name: column.name, type: column.type, sql: raw)
            }
        }
    }

    /// The columns every row carries from its machine (null-safe: a change outlives its machine).
    static func machineColumns(table: String) -> [KQLColumn] {
        [
            KQLColumn(name: "Location", type: .string, sql: "COALESCE(m.location, '')"),
            KQLColumn(name: "SourceComputerId", type: .guid, sql: "COALESCE(\(sourceComputerId("m.id")), '')"),
            KQLColumn(
                name: "SourceSystem", type: .string,
                sql: "CASE m.family WHEN 'windows' THEN 'OpsManager' WHEN 'linux' THEN 'Linux' ELSE '' END"),
            KQLColumn(
                name: "_ResourceId", type: .string, sql: "COALESCE(\(resourceId(alias: "m", name: "m.name")), '')"),
            KQLColumn(name: "_SubscriptionId", type: .string, sql: "COALESCE(m.subscription, '')"),
            KQLColumn(name: "ManagementGroupName", type: .string, sql: "''"),
            KQLColumn(name: "VMUUID", type: .string, sql: "''"),
            KQLColumn(name: "Name", type: .string, sql: "''"),
            KQLColumn(name: "_IsBillable", type: .string, sql: "'false'"),
            KQLColumn(name: "_BilledSize", type: .real, sql: "NULL"),
            KQLColumn(name: "Type", type: .string, sql: "'\(table)'"),
        ]
    }
}
