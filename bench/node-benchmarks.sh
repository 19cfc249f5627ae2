#!/usr/bin/env bash
# Node figures for docs/PERFORMANCE.md (issue 12), side by side in one run: 1,000 schedules
# that fire at the same minute boundary, run by `runbook scheduler` as one node on the embedded
# SQLite store and as 1, 2 and 4 nodes on one PostgreSQL (each node --concurrency 4). For each:
# jobs per second (1,000 / from the fire time to the last job's end) and fire lag (a job's start
# minus its fire time) p50 and p99. Then recovery time of a killed node's job against its lease.
# Needs postgresql-15 (scripts/postgres-test-server.sh starts a throwaway server) and sqlite3.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product runbook >/dev/null
bin="$(swift build -c release --show-bin-path)/runbook"
work=${BENCH_DIR:-/tmp/runbook-node-bench}
rm -rf "$work" && mkdir -p "$work/runbooks"
pgfolder="$work/postgres"
server=$(scripts/postgres-test-server.sh start "$pgfolder")
trap 'pkill -f "$bin scheduler" || true; scripts/postgres-test-server.sh stop "$pgfolder"' EXIT
printf 'name: tick\nsteps:\n  - name: say\n    action: log\n    with:\n      message: tick\n' >"$work/runbooks/tick.yaml"
printf 'name: slow\nsteps:\n  - name: wait\n    action: wait\n    with:\n      seconds: 600\n' >"$work/runbooks/slow.yaml"

# An embedded store with the runbooks published and one schedule to clone.
author() {
    local store=$1
    RUNBOOK_STORE=$store "$bin" publish --runbooks "$work/runbooks" >/dev/null
    RUNBOOK_STORE=$store "$bin" schedule create tick-0 --frequency Minute --runbook tick >/dev/null
}

# Waits until at least 25 seconds remain before the next minute boundary, then prints it (epoch).
next_boundary() {
    while [ $((60 - $(date +%s) % 60)) -lt 25 ]; do sleep 1; done
    echo $(($(date +%s) / 60 * 60 + 60))
}

stats() { # label, then "lag_seconds ended_epoch" lines on stdin, fire epoch as $2
    python3 -c '
import sys
label, fire = sys.argv[1], float(sys.argv[2])
rows = [tuple(map(float, l.split())) for l in sys.stdin if l.strip()]
lags = sorted(r[0] for r in rows)
pct = lambda p: lags[min(len(lags) - 1, int(p * len(lags)))]
span = max(r[1] for r in rows) - fire
print(f"{label:<22} jobs {len(rows):>5}  {len(rows)/span:7.1f} jobs/s  lag p50 {pct(0.5)*1000:7.0f} ms  p99 {pct(0.99)*1000:7.0f} ms")
' "$1" "$2"
}

sqlite_run() {
    local store="$work/sqlite"
    author "$store"
    local db="$store/automation.sqlite"
    local fire; fire=$(next_boundary)
    sqlite3 "$db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
        INSERT INTO schedule (name, definition, enabled, createdAt, updatedAt)
        SELECT 'tick-' || i, json_set(definition, '$.name', 'tick-' || i), 1, createdAt, updatedAt
        FROM schedule, n WHERE name = 'tick-0';"
    "$bin" scheduler --store "$store" --poll 0.2 --concurrency 4 >"$work/sqlite.log" 2>&1 &
    local pid=$!
    while [ "$(sqlite3 "$db" "SELECT COUNT(*) FROM job WHERE status = 'Completed'")" -lt 1000 ]; do sleep 1; done
    kill $pid; wait $pid || true
    sqlite3 -separator ' ' "$db" "SELECT (julianday(startedAt) - julianday(datetime($fire, 'unixepoch'))) * 86400,
        (julianday(endedAt) - 2440587.5) * 86400 FROM job" | stats "SQLite, 1 node" "$fire"
}

postgres_run() {
    local nodes=$1 schema="bench_$1"
    local url="$server?schema=$schema"
    local store="$work/pg-$nodes"
    author "$store"
    RUNBOOK_STORE=$store "$bin" store copy --to "$url" >/dev/null
    local fire; fire=$(next_boundary)
    psql "${server}" -qc "SET search_path = $schema;
        INSERT INTO schedule (name, definition, enabled, created_at, updated_at)
        SELECT 'tick-' || g, jsonb_set(definition, '{name}', to_jsonb('tick-' || g)), true, created_at, updated_at
        FROM schedule, generate_series(1, 999) g WHERE name = 'tick-0';"
    local pids=()
    for n in $(seq 1 "$nodes"); do
        "$bin" scheduler --store "$url" --node "n$n" --poll 0.2 --concurrency 4 >"$work/pg-$nodes-n$n.log" 2>&1 &
        pids+=($!)
    done
    while [ "$(psql "$server" -Atc "SELECT COUNT(*) FROM $schema.job WHERE status = 'Completed'")" -lt 1000 ]; do
        sleep 1
    done
    kill "${pids[@]}"; wait "${pids[@]}" || true
    psql "$server" -At -F ' ' -c "SELECT extract(epoch FROM started_at) - $fire, extract(epoch FROM ended_at)
        FROM $schema.job" | stats "PostgreSQL, $nodes node(s)" "$fire"
}

recovery_run() { # lease seconds
    local lease=$1 schema="recovery_$1"
    local url="$server?schema=$schema" store="$work/recovery-$1"
    author "$store"
    RUNBOOK_STORE=$store "$bin" store copy --to "$url" >/dev/null
    "$bin" scheduler --store "$url" --node victim --lease "$lease" >"$work/victim-$lease.log" 2>&1 &
    local victim=$!
    local job; job=$("$bin" run slow --store "$url" --runbooks "$work/runbooks" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    while [ "$(psql "$server" -Atc "SELECT status FROM $schema.job WHERE id = '$job'")" != Running ]; do sleep 0.2; done
    "$bin" scheduler --store "$url" --node survivor --lease "$lease" >"$work/survivor-$lease.log" 2>&1 &
    local survivor=$!
    sleep 1
    local killed; killed=$(date +%s.%N)
    kill -9 $victim
    while [ "$(psql "$server" -Atc "SELECT status FROM $schema.job WHERE id = '$job'")" != Failed ]; do sleep 0.1; done
    local done_at; done_at=$(date +%s.%N)
    kill $survivor; wait $survivor || true
    python3 -c "print(f'lease {float($lease):5.0f} s: recovered {float($done_at) - float($killed):5.1f} s after kill -9')"
}

echo "1,000 fires due at one minute boundary; each node --concurrency 4; release build"
sqlite_run
for nodes in 1 2 4; do postgres_run "$nodes"; done
echo "Recovery of a killed node's running job (heartbeat every third of the lease)"
for lease in 3 10 30; do recovery_run "$lease"; done
