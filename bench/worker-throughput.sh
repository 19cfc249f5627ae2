#!/usr/bin/env bash
# Throughput of no-op jobs through Hybrid Runbook Workers (`runbook agent --group`, 4 slots
# each) against the same jobs on the service's own node (`runbook serve`, SQLite, TLS on
# loopback), side by side in one run: COUNT (300) jobs created through the API by 4 clients;
# jobs/s from the first creation to the last end, as the store recorded them.
#   bench/worker-throughput.sh
# Environment: COUNT, RUNBOOK, PYTHON, BENCH_DIR, KEEP=1 (bench/agent-common.sh).
set -euo pipefail
source "$(dirname "$0")/agent-common.sh"
count=${COUNT:-300}

store=$work/store
"$runbook" init --store "$store" >/dev/null
printf 'name: noop\nsteps:\n  - name: say\n    action: log\n    with: { message: done }\n' >"$work/noop.yaml"
"$runbook" publish "$work/noop.yaml" --store "$store" >/dev/null
token() {
    "$runbook" token create "$1" --role "$2" --store "$store" --json 2>/dev/null |
        "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}
agent_token=$(token fleet agent)
api_token=$(token bench contributor)
start_serve "$work/serve.log" "$store" --tls-self-signed --concurrency 4
measure() { "$PYTHON" bench/worker_throughput.py "$url" "$store/tls.crt" "$api_token" "$store/automation.sqlite" "$count" "$@"; }

echo "| jobs run by | slots | jobs/s |"
echo "| --- | ---: | ---: |"
echo "| the service's node (serve --concurrency 4) | 4 | $(measure) |"
for workers in 1 2 4; do
    group=g$workers
    agents=()
    for index in $(seq 1 "$workers"); do
        machine=$group-w$index
        mkdir -p "$work/$machine/etc"
        cp /etc/os-release "$work/$machine/etc/os-release"
        "$runbook" agent --server "$url" --ca "$store/tls.crt" --token "$agent_token" --state "$work/$machine.state" \
            --root "$work/$machine" --name "$machine" --group "$group" --concurrency 4 --interval 1h \
            >"$work/$machine.log" 2>&1 &
        agents+=("$!")
        pids+=("$!")
        wait_for "$work/$machine.log" 'working for the hybrid worker group'
    done
    sleep 1
    echo "| $workers worker(s) of a group (--concurrency 4 each) | $((workers * 4)) | $(measure "$group") |"
    for pid in "${agents[@]}"; do kill "$pid"; done
    for pid in "${agents[@]}"; do wait "$pid" 2>/dev/null || true; done
done
machine_note
