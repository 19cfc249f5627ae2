#!/usr/bin/env bash
# Scheduler figures for docs/PERFORMANCE.md: fire lag and no-op throughput with 1,000
# schedules due in the same minute, `jobs list --limit 50` over 1,000,000 jobs, and the
# daemon's peak memory idle and with 1,000 schedules. Needs hyperfine, sqlite3, GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/runbook-scheduler-bench}
rm -rf "$work" && mkdir -p "$work/books"
swift build -c release --product runbook >/dev/null
bin=$(swift build -c release --show-bin-path)
runbook="$bin/runbook"

printf 'name: noop\nsteps:\n  - { name: n, action: log, with: { message: tick } }\n' >"$work/books/noop.yaml"

# 1,000 Minute schedules whose first fire is the same minute, about a minute from now: all at
# its first second, or (SPREAD=1) 1,000 OneTime schedules spread over its 60 seconds (about
# 17 due at each second).
fleet() {
    local start=$1 out=$2 base
    base=$(date -d "$start" +%s)
    echo "schedules:" >"$out"
    for i in $(seq 0 999); do
        local at=$start frequency=Minute
        if [ "${SPREAD:-0}" = 1 ]; then
            at=$(date -u -d "@$(( base + i * 60 / 1000 ))" +%Y-%m-%dT%H:%M:%SZ)
            frequency=OneTime
        fi
        echo "  - { name: s$i, frequency: $frequency, start: \"$at\", runbooks: [noop] }" >>"$out"
    done
}

# One scheduler run over one minute's 1,000 fires; prints lag and throughput.
fire_minute() {
    local label=$1
    shift
    local store="$work/store-$label"
    local start
    start=$(date -u -d "@$(( ($(date +%s) / 60 + 2) * 60 ))" +%Y-%m-%dT%H:%M:%SZ)
    fleet "$start" "$work/fleet.yaml"
    RUNBOOK_STORE="$store" "$runbook" apply "$work/fleet.yaml" --runbooks "$work/books" >/dev/null 2>&1
    RUNBOOK_STORE="$store" "$runbook" scheduler --runbooks "$work/books" "$@" 2>"$work/$label.log" &
    local daemon=$!
    local due
    due=$(date -d "$start" +%s)
    # Stop the daemon once every job of those fires has completed.
    while (( $(date +%s) < due + 70 )); do
        sleep 1
        local done
        done=$(sqlite3 "$store/automation.sqlite" "SELECT count(*) FROM job WHERE status = 'Completed'")
        (( done >= 1000 )) && break
    done
    kill -TERM "$daemon"
    wait "$daemon" || true
    python3 bench/scheduler_stats.py "$store/automation.sqlite" "$label"
}

echo "== One pass in process: 1,000 no-op schedules due at the same instant (runbook-bench)"
swift build -c release --product runbook-bench >/dev/null
for round in 1 2 3; do "$bin/runbook-bench" scheduler-pass "$work/pass" 1000; done

echo
echo "== Fire lag and throughput through the daemon: 1,000 no-op schedules due in the same minute"
fire_minute "concurrency-4 (default)"
fire_minute "concurrency-32" --concurrency 32
SPREAD=1 fire_minute "spread over the minute, concurrency-4"

echo "-- for scale: cron-style, one 'runbook run noop' process per job (jobs/s = 1000 / mean ms)"
RUNBOOK_STORE="$work/cron-style" "$runbook" run noop --runbooks "$work/books" >/dev/null 2>&1
RUNBOOK_STORE="$work/cron-style" hyperfine -N --warmup 3 --runs 50 \
    "$runbook run noop --runbooks $work/books" 2>/dev/null | grep "Time (mean"

echo
echo "== jobs list --limit 50 over 1,000,000 jobs"
export RUNBOOK_STORE="$work/million"
"$runbook" run noop --runbooks "$work/books" >/dev/null 2>&1
sqlite3 "$RUNBOOK_STORE/automation.sqlite" <<'SQL'
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
INSERT INTO job (id, runbookName, runbookDigest, runbookContent, parameters, startReason, startedBy,
                 accountName, targets, status, createdAt, startedAt, endedAt, exception, logVerbose, logProgress)
SELECT printf('%08x-0000-4000-8000-%012x', i, i), CASE i % 3 WHEN 0 THEN 'scan' WHEN 1 THEN 'noop' ELSE 'report' END,
       (SELECT runbookDigest FROM job LIMIT 1), 'name: noop', '{}', 'schedule', 's' || (i % 1000), NULL, '[]',
       CASE i % 50 WHEN 0 THEN 'Failed' ELSE 'Completed' END,
       strftime('%Y-%m-%d %H:%M:%f', 'now', printf('-%d seconds', i)),
       strftime('%Y-%m-%d %H:%M:%f', 'now', printf('-%d seconds', i)),
       strftime('%Y-%m-%d %H:%M:%f', 'now', printf('-%d seconds', i - 1)), NULL, 0, 0
FROM n;
SQL
sqlite3 "$RUNBOOK_STORE/automation.sqlite" 'SELECT count(*) || " jobs" FROM job'
hyperfine --warmup 3 --runs 30 -N --export-markdown "$work/list.md" \
    "$runbook --version" \
    "$runbook jobs list --limit 50" \
    "$runbook jobs list --limit 50 --status Failed" \
    "$runbook jobs list --limit 50 --schedule s7" \
    "sqlite3 $RUNBOOK_STORE/automation.sqlite 'SELECT id, runbookName, status, createdAt FROM job ORDER BY createdAt DESC LIMIT 50'"
sed "s|$bin/||g; s|$work/||g" "$work/list.md"

echo
echo "== Peak memory of the daemon (10 s each, then SIGTERM)"
peak() {
    local label=$1 store=$2
    RUNBOOK_STORE="$store" /usr/bin/time -v timeout -s TERM 10 "$runbook" scheduler --runbooks "$work/books" \
        2>&1 >/dev/null | grep -E "Maximum resident|User time|System time" | tr '\n' ' ' | sed "s/^/$label: /" || true
    echo
}
peak "idle, no schedules" "$work/idle"
# 1,000 daily schedules, none due while it runs: the daemon holds them and wakes each poll.
tomorrow=$(date -u -d "tomorrow 03:00" +%Y-%m-%dT%H:%M:%SZ)
echo "schedules:" >"$work/daily.yaml"
for i in $(seq 0 999); do
    echo "  - { name: d$i, frequency: Day, start: \"$tomorrow\", runbooks: [noop] }" >>"$work/daily.yaml"
done
RUNBOOK_STORE="$work/daily" "$runbook" apply "$work/daily.yaml" --runbooks "$work/books" >/dev/null 2>&1
peak "1,000 schedules, none due" "$work/daily"
peak "1,000 Minute schedules firing (a pass of 1,000 jobs)" "$work/store-concurrency-4 (default)"
