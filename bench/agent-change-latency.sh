#!/usr/bin/env bash
# Time from a file change on an agent's machine to its row in ConfigurationChange: a real
# `runbook agent --interval 1s` (straight to the service, no gateway) on a --root folder,
# one `runbook serve` on SQLite with self-signed TLS; CHANGES changes (10), each a line appended
# to one tracked file 1 to 2.5 s (random) after the previous row appeared; the row is looked
# for every 5 ms in the store file (read only). Two machines, one after the other: SMALL
# tracked files (10) and LARGE (10,000).
#   bench/agent-change-latency.sh
# Environment: CHANGES, SMALL, LARGE, RUNBOOK, PYTHON, BENCH_DIR, KEEP=1.
set -euo pipefail
source "$(dirname "$0")/agent-common.sh"
changes=${CHANGES:-10} small=${SMALL:-10} large=${LARGE:-10000}

prepare_store "$work/store" --profile extended
"$runbook" tracking add file bench --path '/etc/bench/*' --store "$work/store" >/dev/null
start_serve "$work/serve.log" "$work/store" --tls-self-signed

for files in $small $large; do
    name=latency$files
    "$PYTHON" bench/agent_watch.py tree "$work/root$files" "$files"
    "$runbook" agent --server "$url" --ca "$work/store/tls.crt" --token "$token" --state "$work/agent$files" \
        --name "$name" --root "$work/root$files" --interval 1s >"$work/agent$files.log" 2>&1 &
    agent_pid=$!
    pids+=("$agent_pid")
    # The baseline first (the first upload); then a few intervals to settle.
    for _ in $(seq 1 600); do
        [ "$(sqlite3 "file:$work/store/automation.sqlite?mode=ro" \
            "SELECT a.lastSequence FROM agent a JOIN machine m ON m.id = a.machineId WHERE m.name = '$name'")" \
            -ge 1 ] 2>/dev/null && break
        sleep 0.1
    done
    sleep 3
    cpu_before=$(awk '{ print $14 + $15 }' "/proc/$agent_pid/stat")
    started=$(date +%s.%N)
    "$PYTHON" bench/agent_watch.py latency "$work/store/automation.sqlite" "$name" "$work/root$files" "$changes" \
        >"$work/latency$files.json"
    ended=$(date +%s.%N)
    cpu_after=$(awk '{ print $14 + $15 }' "/proc/$agent_pid/stat")
    echo "$cpu_before $cpu_after $started $ended $(getconf CLK_TCK)" >"$work/cpu$files.txt"
    kill "$agent_pid"
    wait "$agent_pid" 2>/dev/null || true
done

"$PYTHON" - "$work" "$small" "$large" <<'PY'
import json, statistics, sys
work, sizes = sys.argv[1], sys.argv[2:]
print("\nA file change to its ConfigurationChange row, runbook agent --interval 1s (goal: under 2 s)")
print("\n| tracked files | changes | row visible: median | min | max | TimeGenerated - change, median | "
      "agent CPU while watched |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for size in sizes:
    samples = json.load(open(f"{work}/latency{size}.json"))
    seen = [s["visible"] for s in samples if s["visible"] is not None]
    generated = [s["generated"] for s in samples if s["visible"] is not None]
    before, after, started, ended, tick = map(float, open(f"{work}/cpu{size}.txt").read().split())
    share = (after - before) / tick / (ended - started)
    missing = len(samples) - len(seen)
    print(f"| {int(size):,} | {len(samples)}{f' ({missing} never seen)' if missing else ''} | "
          f"{statistics.median(seen):.2f} s | {min(seen):.2f} s | {max(seen):.2f} s | "
          f"{statistics.median(generated):.2f} s | {share * 100:.0f}% of a core |")
PY
machine_note
