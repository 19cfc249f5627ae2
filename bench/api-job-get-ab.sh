#!/usr/bin/env bash
# Side by side in one run: the API's `GET` of one job and the floor (`GET /healthz`) on two
# builds of runbook, each serving its own copy of the same store (issue 22: the composition-root
# and routing changes must not make the job GET slower).
#   bench/api-job-get-ab.sh BEFORE_BINARY AFTER_BINARY
# Needs wrk. 2 threads, 16 connections, 5 s per load, floor and job alternated A, B, A, B.
set -euo pipefail
before=$1 after=$2
work=${BENCH_DIR:-/tmp/runbook-api-ab}
rm -rf "$work" && mkdir -p "$work/books"
printf 'name: noop\nsteps:\n  - { name: n, action: log, with: { message: tick } }\n' >"$work/books/noop.yaml"
measure() {
    local label=$1 binary=$2 store="$work/store-$1"
    RUNBOOK_STORE="$store" "$binary" init >/dev/null
    RUNBOOK_STORE="$store" "$binary" publish "$work/books/noop.yaml" >/dev/null
    RUNBOOK_STORE="$store" "$binary" run noop >/dev/null
    local token job
    token=$(RUNBOOK_STORE="$store" "$binary" token create bench --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    job=$(RUNBOOK_STORE="$store" "$binary" jobs list --limit 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
    RUNBOOK_STORE="$store" "$binary" serve --port 0 --poll 0.2 >"$work/serve-$label.out" 2>/dev/null &
    local server=$!
    for _ in $(seq 1 100); do grep -q Serving "$work/serve-$label.out" 2>/dev/null && break; sleep 0.1; done
    local url
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve-$label.out" | head -1)
    local aa="/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/runbook-local/providers/Microsoft.Automation/automationAccounts/automation-default"
    local floor jobrate
    floor=$(wrk -t2 -c16 -d5s "$url/healthz" | awk '/Requests\/sec/ { print $2 }')
    jobrate=$(wrk -t2 -c16 -d5s -H "Authorization: Bearer $token" "$url$aa/jobs/$job?api-version=2024-10-23" |
        awk '/Requests\/sec/ { print $2 }')
    kill "$server"
    wait "$server" 2>/dev/null || true
    printf '%-7s floor %9s req/s   job GET %9s req/s   ratio %.2f\n' "$label" "$floor" "$jobrate" \
        "$(python3 -c "print($jobrate / $floor)")"
}
for round in 1 2; do
    measure "before$round" "$before"
    measure "after$round" "$after"
done
