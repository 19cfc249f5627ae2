#!/usr/bin/env bash
# The API's job list at 1,000,000 jobs on SQLite and on PostgreSQL, side by side (issue 12):
# runbook-bench job-page calls JobStoring.jobPage (what GET .../jobs runs) 200 times per query
# on each store, then `runbook jobs list --limit 50` as a whole process on each (hyperfine).
# Needs postgresql-15 (a throwaway server), sqlite3 and hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product runbook --product runbook-bench >/dev/null 2>&1 ||
    { swift build -c release --product runbook >/dev/null; swift build -c release --product runbook-bench >/dev/null; }
bin="$(swift build -c release --show-bin-path)"
work=${BENCH_DIR:-/tmp/runbook-job-page-bench}
rm -rf "$work" && mkdir -p "$work"
pgfolder="$work/postgres"
server=$(scripts/postgres-test-server.sh start "$pgfolder")
trap 'scripts/postgres-test-server.sh stop "$pgfolder"' EXIT
store="$work/store"
RUNBOOK_STORE=$store "$bin/runbook" init >/dev/null
sqlite3 "$store/automation.sqlite" <<'SQL'
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
INSERT INTO job (id, runbookName, runbookDigest, runbookContent, parameters, startReason, startedBy,
                 accountName, targets, status, createdAt, startedAt, endedAt, exception, logVerbose, logProgress)
SELECT printf('%08x-0000-4000-8000-%012x', i, i), CASE i % 3 WHEN 0 THEN 'scan' WHEN 1 THEN 'noop' ELSE 'report' END,
       printf('%064d', 0), 'name: noop', '{}', 'schedule', 's' || (i % 1000), NULL, '[]',
       CASE i % 50 WHEN 0 THEN 'Failed' ELSE 'Completed' END,
       strftime('%Y-%m-%d %H:%M:%f', 'now', printf('-%d seconds', i)),
       strftime('%Y-%m-%d %H:%M:%f', 'now', printf('-%d seconds', i)),
       strftime('%Y-%m-%d %H:%M:%f', 'now', printf('-%d seconds', i - 1)), NULL, 0, 0
FROM n;
SQL
RUNBOOK_STORE=$store "$bin/runbook" store migrate --store "$server" >/dev/null
psql "$server" -q <<'SQL'
INSERT INTO job (id, runbook_name, runbook_digest, runbook_content, parameters, start_reason, started_by,
                 account_name, targets, status, created_at, started_at, ended_at, log_verbose, log_progress)
SELECT format('%s-0000-4000-8000-%s', lpad(to_hex(i), 8, '0'), lpad(to_hex(i), 12, '0')),
       CASE i % 3 WHEN 0 THEN 'scan' WHEN 1 THEN 'noop' ELSE 'report' END, repeat('0', 64), 'name: noop', '{}',
       'schedule', 's' || (i % 1000), NULL, '[]', CASE i % 50 WHEN 0 THEN 'Failed' ELSE 'Completed' END,
       now() - make_interval(secs => i), now() - make_interval(secs => i), now() - make_interval(secs => i - 1),
       false, false
FROM generate_series(1, 1000000) AS i;
ANALYZE job;
SQL
echo "1,000,000 jobs in each store; 200 calls per query (release build)"
"$bin/runbook-bench" job-page "$store" "$server"

# The whole command, side by side: process start, opening the store (SQLite's file, or a
# connection and its migrations check on PostgreSQL), the page and the table printed.
echo
echo "runbook jobs list --limit 50, whole process"
hyperfine -N --warmup 3 --runs 30 \
    -n "SQLite" "$bin/runbook jobs list --limit 50 --store $store" \
    -n "PostgreSQL" "$bin/runbook jobs list --limit 50 --store $server" \
    -n "SQLite, Failed" "$bin/runbook jobs list --limit 50 --status Failed --store $store" \
    -n "PostgreSQL, Failed" "$bin/runbook jobs list --limit 50 --status Failed --store $server"
