import KQL

/// Azure's documented field columns of `ConfigurationChange`, and the item field each reads.
enum ChangeColumns {
    static let current: [(name: String, field: String, type: KQLType)] = [
        ("FileContentChecksum", "FileContentChecksum", .string),
        ("Size", "Size", .long),
        ("DateCreated", "DateCreated", .datetime),
        ("DateModified", "DateModified", .datetime),
        ("Acls", "Acls", .string),
        ("Attributes", "Attributes", .string),
        ("Hive", "Hive", .string),
        ("RegistryKey", "RegistryKey", .string),
        ("ValueName", "ValueName", .string),
        ("ValueType", "ValueType", .string),
        ("ValueData", "ValueData", .string),
        ("Publisher", "Publisher", .string),
        ("SoftwareType", "SoftwareType", .string),
        ("SoftwareDescription", "SoftwareDescription", .string),
        ("SvcName", "SvcName", .string),
        ("SvcDisplayName", "SvcDisplayName", .string),
        ("SvcState", "SvcState", .string),
        ("SvcStartupType", "SvcStartupType", .string),
        ("SvcAccount", "SvcAccount", .string),
        ("SvcPath", "SvcPath", .string),
        ("SvcController", "SvcController", .string),
        ("SvcRunlevels", "SvcRunlevels", .string),
        ("LastSnapshotAge", "LastSnapshotAge", .long),
    ]

    static let previous: [(name: String, field: String, type: KQLType)] = [
        ("PreviousFileContentChecksum", "FileContentChecksum", .string),
        ("PreviousSize", "Size", .long),
        ("PreviousDateCreated", "DateCreated", .datetime),
        ("PreviousDateModified", "DateModified", .datetime),
        ("PreviousAcls", "Acls", .string),
        ("PreviousAttributes", "Attributes", .string),
        ("PreviousValueData", "ValueData", .string),
        ("PreviousValueType", "ValueType", .string),
        ("SvcPreviousAccount", "SvcAccount", .string),
        ("SvcPreviousController", "SvcController", .string),
        ("SvcPreviousPath", "SvcPath", .string),
        ("SvcPreviousRunlevels", "SvcRunlevels", .string),
        ("SvcPreviousStartupType", "SvcStartupType", .string),
        ("SvcPreviousState", "SvcState", .string),
    ]
}

/// Azure's documented field columns of `ConfigurationData`.
enum DataColumns {
    static let fields: [(name: String, field: String, type: KQLType)] =
        ChangeColumns.current.filter { $0.name != "LastSnapshotAge" } + [
            ("CurrentVersion", "CurrentVersion", .string),
            ("Architecture", "Architecture", .string),
            ("SvcDescription", "SvcDescription", .string),
        ]
}
