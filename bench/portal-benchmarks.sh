#!/usr/bin/env bash
# Portal figures for docs/PERFORMANCE.md (issue 13): server time per page (p50, p99, from the
# server's own log line) and bytes sent, over a store of the Contoso example grown to MACHINES
# machines and CHANGES changes (copied with sqlite3), and a job with 1 MiB of output.
#   MACHINES=1000 CHANGES=1000000 REQUESTS=200 bench/portal-benchmarks.sh
# Needs sqlite3, curl, python3. Requests are sequential, one at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
machines=${MACHINES:-1000}
changes=${CHANGES:-1000000}
requests=${REQUESTS:-200}
work=${BENCH_DIR:-/tmp/runbook-portal-bench}
rm -rf "$work" && mkdir -p "$work"
swift build -c release --product runbook >/dev/null
runbook="$(swift build -c release --show-bin-path)/runbook"
export RUNBOOK_STORE="$work/store"
db="$RUNBOOK_STORE/automation.sqlite"

# The README's walkthrough: Contoso applied, enabled, configured, a baseline, drift, a rescan.
cp -r examples/contoso "$work/contoso"
for step in "apply $work/contoso/automation.yaml" "run enable-tracking" "run configure-tracking" "run scan"; do
    $runbook $step >/dev/null
done
echo "10.0.0.99 drifted" >>"$work/contoso/machines/contoso-lnx01/etc/hosts"
$runbook run scan >/dev/null

# MACHINES machines (copies of contoso-lnx01) and CHANGES changes spread over 30 days.
sqlite3 "$db" "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $machines - 3)
INSERT INTO machine (name, os, family, subscription, resourceGroup, location, tags, route, gateway,
    operationsManager, rules, sourceKind, sourcePath, registeredAt)
SELECT printf('vm-%05d', i), os, family, subscription, resourceGroup, location, tags, route, gateway,
    operationsManager, rules, sourceKind, sourcePath, registeredAt
FROM machine, n WHERE machine.name = 'contoso-lnx01';
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $changes)
INSERT INTO configurationChange (computer, timeGenerated, configChangeType, changeCategory, itemKey,
    fieldsChanged, current, previous, svcChangeType, jobId)
SELECT printf('vm-%05d', i % ($machines - 3) + 1),
    strftime('%Y-%m-%d %H:%M:%f', 'now', '-' || (i * 2592 / 1000) || ' seconds'),
    configChangeType, changeCategory, itemKey || '.' || i, fieldsChanged, current, previous, svcChangeType, jobId
FROM (SELECT * FROM configurationChange LIMIT 1), n;"
echo "machines: $(sqlite3 "$db" 'SELECT COUNT(*) FROM machine'), changes: $(sqlite3 "$db" 'SELECT COUNT(*) FROM configurationChange')"

# A job with 1 MiB of output: 8,192 records of 128 bytes.
job=$($runbook jobs list --limit 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
sqlite3 "$db" "
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8192)
INSERT INTO jobStream (jobId, seq, stream, at, message)
SELECT '$job', 100000 + i, 'Output', strftime('%Y-%m-%d %H:%M:%f', 'now'), printf('%0128d', i) FROM n;"
change=$(sqlite3 "$db" 'SELECT MAX(id) FROM configurationChange')
token=$($runbook token create bench --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

RUNBOOK_LOG_LEVEL=info $runbook serve --port 0 --poll 1 >"$work/serve.out" 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q Serving "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.out")
cookie=$(curl -s -o /dev/null -D - --data-urlencode "token=$token" "$url/portal/signin" \
    | awk -F'[ ;]' 'tolower($1) == "set-cookie:" { print $2 }')

measure() {
    local label=$1 path=$2 count=${3:-$requests} bytes
    : >"$work/serve.log"
    for _ in $(seq 1 "$count"); do
        bytes=$(curl -s -o /dev/null -w '%{size_download}' -H "Cookie: $cookie" "$url$path")
    done
    sleep 0.2
    python3 - "$label" "$bytes" "$work/serve.log" <<'PY'
import re, sys
label, size, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
times = sorted(float(m.group(1)) for m in re.finditer(r"duration\.ms=([0-9.e+-]+)", open(log).read()))
if not times:
    sys.exit(f"{label}: no log lines")
def pct(p):
    return times[min(len(times) - 1, int(round(p / 100 * (len(times) - 1))))]
print(f"| {label} | {pct(50):.1f} ms | {pct(99):.1f} ms | {size:,} bytes | {len(times)} requests |")
PY
}
echo "| page | p50 | p99 | bytes | |"
echo "| --- | --- | --- | --- | --- |"
measure "Virtual machines, first page of 100 ($machines machines)" "/portal/machines"
# The first view of the timeline counts every bucket; later views count only the newest ones.
measure "Change timeline, first view after start ($changes changes)" "/portal/changes" 1
measure "Change timeline, first page ($changes changes)" "/portal/changes"
measure "Change timeline, a page half-way (keyset cursor at change $((changes / 2)))" "/portal/changes?before=$((changes / 2))"
measure "Change timeline, last 24 hours" "/portal/changes?range=24h"
measure "Change timeline, text search (20 requests)" "/portal/changes?q=hosts.99" 20
measure "A change's detail" "/portal/changes/$change"
measure "Job page with 1 MiB of output (its newest 500 records)" "/portal/jobs/$job"
measure "Job output as text (1 MiB)" "/portal/jobs/$job/output.txt"
