#!/usr/bin/env bash
# runbook serve figures for docs/PERFORMANCE.md, side by side in one run (issue 10):
#   - wrk, 16 connections: GET of one job and a page of 50 jobs over a store of 100,000 jobs,
#     beside the floor of the same build (GET /healthz: a constant JSON body, no store, no auth);
#   - a no-op runbook through the API with 16 clients: create to Completed p50/p99, jobs/s;
#   - memory (RSS) of the server idle and with 16 connections busy.
# Needs wrk, sqlite3, python3 (bench/api_jobs.py).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/runbook-serve-bench}
rm -rf "$work" && mkdir -p "$work/books"
swift build -c release --product runbook >/dev/null
runbook="$(swift build -c release --show-bin-path)/runbook"
store="$work/store"
export RUNBOOK_STORE="$store"

printf 'name: noop\nsteps:\n  - { name: n, action: log, with: { message: tick } }\n' >"$work/books/noop.yaml"
"$runbook" init >/dev/null
"$runbook" publish "$work/books/noop.yaml" >/dev/null
"$runbook" run noop >/dev/null
token=$("$runbook" token create bench --json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

# 100,000 jobs: copies of the one real job, with new ids and times a second apart.
sqlite3 "$store/automation.sqlite" "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
INSERT INTO job (id, runbookName, runbookDigest, runbookContent, parameters, startReason, startedBy, accountName,
    targets, status, createdAt, startedAt, endedAt, exception, logVerbose, logProgress, runbookSource)
SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))),2)
        || '-a' || substr(lower(hex(randomblob(2))),2) || '-' || lower(hex(randomblob(6))),
    runbookName, runbookDigest, runbookContent, parameters, startReason, startedBy, accountName, targets, status,
    datetime(createdAt, '-' || i || ' seconds'), startedAt, endedAt, exception, logVerbose, logProgress, runbookSource
FROM job, n LIMIT 99999;"
job=$("$runbook" jobs list --limit 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
echo "jobs in the store: $(sqlite3 "$store/automation.sqlite" 'SELECT COUNT(*) FROM job')"

"$runbook" serve --port 0 --poll 0.2 --concurrency 4 >"$work/serve.out" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q Serving "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out")
aa="/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/runbook-local/providers/Microsoft.Automation/automationAccounts/automation-default"
rss() { awk '/VmRSS/ { printf "%.1f MB", $2 / 1024 }' "/proc/$server/status"; }
echo "memory idle: $(rss)"

load() {
    local label=$1 path=$2
    wrk -t2 -c16 -d10s --latency -H "Authorization: Bearer $token" "$url$path" >"$work/wrk-$label.txt"
    local rate p99
    rate=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk-$label.txt")
    p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk-$label.txt")
    echo "$label: $rate requests/s, p99 $p99"
}
load floor /healthz
load job-get "$aa/jobs/$job?api-version=2024-10-23"
echo "memory with 16 connections busy (during the job list load): measured next"
( sleep 5; echo "memory busy: $(rss)" >"$work/rss-busy.txt" ) &
load job-list-50 "$aa/jobs?api-version=2024-10-23&\$top=50"
cat "$work/rss-busy.txt"

python3 bench/api_jobs.py "$url" "$token" 16 20 "$store/automation.sqlite"
