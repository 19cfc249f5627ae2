/// The PostgreSQL store's tables, as SQLite's (AutomationStore's Migrations.swift) with the same
/// NOT NULL, CHECK, UNIQUE and foreign keys, in snake_case. Names compare byte by byte
/// (COLLATE "C"), as SQLite's do, whatever the database's locale. Text that may hold NUL (a
/// runbook's content, a stream message, an exception built from one) is `bytea` holding UTF-8:
/// PostgreSQL's `text` cannot hold NUL, and SQLite keeps such text whole.
enum PostgresSchema {
    static let jobStatuses = [
        "New", "Activating", "Running", "Completed", "Failed", "Stopped", "Stopping", "Suspended", "Suspending",
        "Resuming", "Blocked", "Disconnected",
    ].map { "'\($0)'" }.joined(separator: ", ")

    static let accounts = [
        """
        CREATE TABLE workspace (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text COLLATE "C" NOT NULL UNIQUE,
            subscription text NOT NULL,
            resource_group text NOT NULL,
            region text NOT NULL,
            created_at timestamptz NOT NULL
        )
        """,
        """
        CREATE TABLE account (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text COLLATE "C" NOT NULL UNIQUE,
            subscription text NOT NULL,
            resource_group text NOT NULL,
            region text NOT NULL,
            workspace_id bigint NOT NULL REFERENCES workspace (id) ON DELETE RESTRICT,
            profile text NOT NULL CHECK (profile IN ('azure', 'extended')),
            is_default boolean NOT NULL DEFAULT false,
            created_at timestamptz NOT NULL
        )
        """,
        // At most one default account.
        "CREATE UNIQUE INDEX account_single_default ON account (is_default) WHERE is_default",
    ]

    static let jobs = [
        // status_seq and stream_seq count the job's status and stream rows: an UPDATE that adds
        // one returns the next sequence number under the row's lock (no MAX()+1 read).
        """
        CREATE TABLE job (
            id text COLLATE "C" PRIMARY KEY,
            runbook_name text COLLATE "C" NOT NULL,
            runbook_digest text NOT NULL CHECK (length(runbook_digest) = 64),
            runbook_content bytea NOT NULL,
            parameters jsonb NOT NULL CHECK (jsonb_typeof(parameters) = 'object'),
            start_reason text NOT NULL CHECK (start_reason IN ('manual', 'schedule', 'parent')),
            started_by text COLLATE "C",
            account_name text,
            targets jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(targets) = 'array'),
            status text NOT NULL CHECK (status IN (\(jobStatuses))),
            created_at timestamptz NOT NULL,
            started_at timestamptz,
            ended_at timestamptz,
            exception bytea,
            log_verbose boolean NOT NULL,
            log_progress boolean NOT NULL,
            owner_pid bigint,
            owner_host text,
            stop_requested_at timestamptz,
            suspend_requested_at timestamptz,
            checkpoint_step bigint,
            runbook_source text,
            status_seq bigint NOT NULL DEFAULT 1 CHECK (status_seq >= 1),
            stream_seq bigint NOT NULL DEFAULT 0 CHECK (stream_seq >= 0)
        )
        """,
        "CREATE INDEX job_created_at ON job (created_at DESC, id)",
        "CREATE INDEX job_runbook_created_at ON job (runbook_name, created_at)",
        "CREATE INDEX job_status_created_at ON job (status, created_at)",
        "CREATE INDEX job_started_by_created_at ON job (started_by, created_at)",
        """
        CREATE TABLE job_status (
            job_id text COLLATE "C" NOT NULL REFERENCES job (id) ON DELETE CASCADE,
            seq bigint NOT NULL,
            status text NOT NULL CHECK (status IN (\(jobStatuses))),
            at timestamptz NOT NULL,
            PRIMARY KEY (job_id, seq)
        )
        """,
        """
        CREATE TABLE job_stream (
            job_id text COLLATE "C" NOT NULL REFERENCES job (id) ON DELETE CASCADE,
            seq bigint NOT NULL,
            stream text NOT NULL CHECK (stream IN ('Output', 'Warning', 'Error', 'Verbose', 'Progress', 'Debug')),
            at timestamptz NOT NULL,
            message bytea NOT NULL,
            PRIMARY KEY (job_id, seq)
        )
        """,
    ]

    static let runbooks = [
        // version: bumped by every change (Azure's etag), in the UPDATE itself.
        """
        CREATE TABLE runbook (
            name text COLLATE "C" PRIMARY KEY,
            runbook_type text NOT NULL,
            description text NOT NULL,
            log_verbose boolean NOT NULL,
            log_progress boolean NOT NULL,
            draft_content bytea,
            draft_digest text,
            draft_updated_at timestamptz,
            published_content bytea,
            published_digest text,
            published_at timestamptz,
            published_from text,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            version bigint NOT NULL CHECK (version >= 1),
            CHECK ((draft_content IS NULL) = (draft_digest IS NULL)),
            CHECK ((published_content IS NULL) = (published_digest IS NULL))
        )
        """
    ]

    static let schedules = [
        """
        CREATE TABLE schedule (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name text COLLATE "C" NOT NULL UNIQUE,
            definition jsonb NOT NULL,
            enabled boolean NOT NULL,
            created_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL
        )
        """,
        // One row per (schedule, fire time): the key that makes a fire happen once, whichever
        // node claims it first.
        """
        CREATE TABLE schedule_fire (
            schedule_name text COLLATE "C" NOT NULL,
            fire_time timestamptz NOT NULL,
            status text NOT NULL CHECK (status IN ('started', 'missed', 'skipped', 'queued', 'failed')),
            job_id text,
            reason text,
            recorded_at timestamptz NOT NULL,
            PRIMARY KEY (schedule_name, fire_time)
        )
        """,
        """
        CREATE TABLE scheduler_checkpoint (
            schedule_name text COLLATE "C" PRIMARY KEY,
            checkpoint timestamptz NOT NULL
        )
        """,
    ]

    static let tokens = [
        // The secret itself is never stored, only its SHA-256.
        """
        CREATE TABLE token (
            id text COLLATE "C" PRIMARY KEY,
            name text COLLATE "C" NOT NULL UNIQUE,
            secret_hash text NOT NULL CHECK (length(secret_hash) = 64),
            role text NOT NULL CHECK (role IN ('reader', 'contributor')),
            created_at timestamptz NOT NULL,
            expires_at timestamptz,
            revoked_at timestamptz,
            last_used_at timestamptz
        )
        """
    ]

    /// A clean stop frees the node's id at once; the lease tells a stale node from a live one.
    static let nodeStop = [
        """
        ALTER TABLE node ADD COLUMN stopped_at timestamptz,
            ADD COLUMN lease_seconds double precision NOT NULL DEFAULT 30 CHECK (lease_seconds > 0)
        """
    ]

    /// A job cut off by its node dying goes back to New up to restart_limit times; a wait
    /// suspended in its middle keeps the seconds it has left.
    static let jobRestarts = [
        """
        ALTER TABLE job ADD COLUMN restarts integer NOT NULL DEFAULT 0 CHECK (restarts >= 0),
            ADD COLUMN restart_limit integer NOT NULL DEFAULT 3 CHECK (restart_limit >= 0),
            ADD COLUMN wait_remaining double precision CHECK (wait_remaining >= 0),
            ADD COLUMN requested_by text
        """
    ]

    /// Machines with `runbook agent` on them, and the tokens that enrol them. The CHECKs that
    /// name the allowed roles and source kinds are replaced (found by their text, since
    /// PostgreSQL named them).
    static let agents = [
        """
        DO $$
        DECLARE name text;
        BEGIN
            FOR name IN SELECT conname FROM pg_constraint
                WHERE contype = 'c' AND ((conrelid = 'token'::regclass AND pg_get_constraintdef(oid) LIKE '%role%')
                    OR (conrelid = 'machine'::regclass AND pg_get_constraintdef(oid) LIKE '%source_kind%'))
            LOOP
                EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I',
                    CASE WHEN name LIKE 'token%' THEN 'token' ELSE 'machine' END, name);
            END LOOP;
        END $$
        """,
        "ALTER TABLE token ADD CONSTRAINT token_role_check CHECK (role IN ('reader', 'contributor', 'agent'))",
        """
        ALTER TABLE machine ADD CONSTRAINT machine_source_kind_check
            CHECK (source_kind IN ('local', 'linux-root', 'windows-folder', 'agent')),
            ADD CONSTRAINT machine_source_path_check CHECK (source_kind IN ('local', 'agent') OR source_path IS NOT NULL)
        """,
        """
        CREATE TABLE agent (
            machine_id bigint PRIMARY KEY REFERENCES machine (id) ON DELETE CASCADE,
            credential_id text COLLATE "C" NOT NULL UNIQUE,
            secret_hash text NOT NULL CHECK (length(secret_hash) = 64),
            enrolled_at timestamptz NOT NULL,
            version text NOT NULL,
            route text NOT NULL CHECK (route IN ('direct', 'gateway')),
            address text NOT NULL,
            last_seen_at timestamptz,
            last_sequence bigint NOT NULL DEFAULT 0 CHECK (last_sequence >= 0),
            dropped_batches bigint NOT NULL DEFAULT 0 CHECK (dropped_batches >= 0),
            revoked_at timestamptz
        )
        """,
    ]

    /// Hybrid Runbook Worker groups: a job for a group waits for one of its workers (nodes skip
    /// it); agent machines join groups with their agent's `--group`.
    static let hybridWorkers = [
        "ALTER TABLE job ADD COLUMN run_on text COLLATE \"C\"",
        "CREATE INDEX job_waiting_for_group ON job (run_on, created_at, id) WHERE status = 'New' AND lease_node IS NULL",
        """
        CREATE TABLE hybrid_worker (
            group_name text COLLATE "C" NOT NULL,
            machine_id bigint NOT NULL REFERENCES machine (id) ON DELETE CASCADE,
            registered_at timestamptz NOT NULL,
            last_seen_at timestamptz NOT NULL,
            concurrency integer NOT NULL DEFAULT 4 CHECK (concurrency > 0),
            PRIMARY KEY (group_name, machine_id)
        )
        """,
    ]

    static let nodes = [
        // A node: a process with an id and a heartbeat.
        """
        CREATE TABLE node (
            id text COLLATE "C" PRIMARY KEY,
            host text NOT NULL,
            pid bigint NOT NULL CHECK (pid > 0),
            started_at timestamptz NOT NULL,
            heartbeat_at timestamptz NOT NULL
        )
        """,
        // A job's lease: which node runs it, until when (renewed with the node's heartbeat).
        """
        ALTER TABLE job ADD COLUMN lease_node text COLLATE "C" REFERENCES node (id),
            ADD COLUMN lease_expires_at timestamptz,
            ADD CONSTRAINT job_lease_whole CHECK ((lease_node IS NULL) = (lease_expires_at IS NULL))
        """,
        "CREATE INDEX job_lease_expires_at ON job (lease_expires_at) WHERE lease_node IS NOT NULL",
        "CREATE INDEX job_lease_node ON job (lease_node) WHERE lease_node IS NOT NULL",
        "CREATE INDEX job_waiting ON job (created_at, id) WHERE status = 'New' AND lease_node IS NULL",
    ]

    /// Every table the migrations create, for `check`.
    static let tables =
        [
            "workspace", "account", "job", "job_status", "job_stream", "runbook", "schedule", "schedule_fire",
            "scheduler_checkpoint", "token", "node", "hybrid_worker",
        ] + changeTrackingTables
}
