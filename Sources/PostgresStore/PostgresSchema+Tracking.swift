extension PostgresSchema {
    static let configTypes = "'Files', 'Software', 'WindowsServices', 'Registry', 'Daemons'"
    static let solutions = "'ChangeTracking', 'Inventory'"

    /// Machines, their enablement, and Change Tracking's records, as SQLite's (Migrations.swift's
    /// createMachines and createChangeTracking, v11-heartbeat). Item fields, and a change's
    /// current and previous fields, are `bytea` holding FieldsCodec's UTF-8: a collected value
    /// (a file's content hash aside, any text a machine holds) may contain NUL.
    static let changeTracking = [
        """
        CREATE TABLE gateway (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text COLLATE "C" NOT NULL UNIQUE,
            rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array')
        )
        """,
        """
        CREATE TABLE machine (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text COLLATE "C" NOT NULL UNIQUE,
            os text NOT NULL,
            family text NOT NULL CHECK (family IN ('windows', 'linux')),
            subscription text NOT NULL,
            resource_group text NOT NULL,
            location text NOT NULL,
            tags jsonb NOT NULL CHECK (jsonb_typeof(tags) = 'object'),
            route text NOT NULL CHECK (route IN ('direct', 'gateway')),
            gateway text COLLATE "C",
            operations_manager text,
            rules jsonb NOT NULL CHECK (jsonb_typeof(rules) = 'array'),
            source_kind text NOT NULL CHECK (source_kind IN ('local', 'linux-root', 'windows-folder')),
            source_path text,
            registered_at timestamptz NOT NULL,
            CHECK (route = 'direct' OR gateway IS NOT NULL),
            CHECK (source_kind = 'local' OR source_path IS NOT NULL)
        )
        """,
        """
        CREATE TABLE machine_solution (
            machine_id bigint NOT NULL REFERENCES machine (id) ON DELETE CASCADE,
            solution text NOT NULL CHECK (solution IN (\(solutions))),
            account_id bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
            enabled_at timestamptz NOT NULL,
            job_id text,
            PRIMARY KEY (machine_id, solution)
        )
        """,
        """
        CREATE TABLE tracking_scope (
            account_id bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
            solution text NOT NULL CHECK (solution IN (\(solutions))),
            filter jsonb NOT NULL CHECK (jsonb_typeof(filter) = 'object'),
            created_at timestamptz NOT NULL,
            PRIMARY KEY (account_id, solution)
        )
        """,
        // Versions of one account never repeat: the key, and the account row's lock when saving.
        """
        CREATE TABLE tracking_settings (
            account_id bigint NOT NULL REFERENCES account (id) ON DELETE CASCADE,
            version bigint NOT NULL CHECK (version >= 1),
            changed_at timestamptz NOT NULL,
            settings jsonb NOT NULL CHECK (jsonb_typeof(settings) = 'object'),
            job_id text,
            PRIMARY KEY (account_id, version)
        )
        """,
        // Current inventory: a machine's latest snapshot.
        """
        CREATE TABLE configuration_data (
            machine_id bigint NOT NULL REFERENCES machine (id) ON DELETE CASCADE,
            config_data_type text NOT NULL CHECK (config_data_type IN (\(configTypes))),
            item_key text COLLATE "C" NOT NULL,
            fields bytea NOT NULL,
            time_generated timestamptz NOT NULL,
            PRIMARY KEY (machine_id, config_data_type, item_key)
        )
        """,
        // Change history outlives the machine: it names the computer, not the machine row.
        """
        CREATE TABLE configuration_change (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            computer text COLLATE "C" NOT NULL,
            time_generated timestamptz NOT NULL,
            config_change_type text NOT NULL CHECK (config_change_type IN (\(configTypes))),
            change_category text NOT NULL CHECK (change_category IN ('Added', 'Removed', 'Modified')),
            item_key text COLLATE "C" NOT NULL,
            fields_changed text NOT NULL,
            current bytea NOT NULL,
            previous bytea NOT NULL,
            svc_change_type text,
            job_id text
        )
        """,
        "CREATE INDEX change_time ON configuration_change (time_generated DESC, id DESC)",
        "CREATE INDEX change_computer_time ON configuration_change (computer, time_generated)",
        "CREATE INDEX change_type_time ON configuration_change (config_change_type, time_generated)",
        "CREATE INDEX change_job ON configuration_change (job_id)",
        """
        CREATE TABLE machine_scan (
            machine_id bigint PRIMARY KEY REFERENCES machine (id) ON DELETE CASCADE,
            last_started_at timestamptz NOT NULL,
            last_ended_at timestamptz NOT NULL,
            scans bigint NOT NULL CHECK (scans >= 1)
        )
        """,
        // The scanner's per-file stat index, one packed FileIndexCodec value per machine.
        """
        CREATE TABLE file_index (
            machine_id bigint PRIMARY KEY REFERENCES machine (id) ON DELETE CASCADE,
            entries bytea NOT NULL,
            count bigint NOT NULL CHECK (count >= 0)
        )
        """,
        // Log Analytics' Heartbeat: one row per machine per scan.
        """
        CREATE TABLE heartbeat (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            computer text COLLATE "C" NOT NULL,
            time_generated timestamptz NOT NULL,
            os_type text NOT NULL CHECK (os_type IN ('Windows', 'Linux')),
            os_name text NOT NULL,
            solutions text NOT NULL,
            subscription text NOT NULL,
            resource_group text NOT NULL,
            location text NOT NULL,
            route text NOT NULL,
            source_kind text NOT NULL,
            machine_id bigint NOT NULL
        )
        """,
        "CREATE INDEX heartbeat_time ON heartbeat (time_generated)",
        "CREATE INDEX heartbeat_computer_time ON heartbeat (computer, time_generated)",
    ]

    static let changeTrackingTables = [
        "gateway", "machine", "machine_solution", "tracking_scope", "tracking_settings", "configuration_data",
        "configuration_change", "machine_scan", "file_index", "heartbeat",
    ]
}
