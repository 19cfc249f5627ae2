#!/usr/bin/env bash
# Claim latency of Hybrid Runbook Workers: from a job's creation (`runbook run NAME --run-on g1`)
# to its Activating, as its recorded timeline says, with idle workers (`runbook agent --group
# g1`) polling a `runbook serve` (TLS, SQLite) on loopback. JOBS (40) jobs one after another,
# each created once the previous one ended; WORKERS (1) agents in the group.
#   bench/worker-claim.sh
#   WORKERS=2 bench/worker-claim.sh
# Environment: JOBS, WORKERS, RUNBOOK, PYTHON, BENCH_DIR, KEEP=1 (bench/agent-common.sh).
set -euo pipefail
source "$(dirname "$0")/agent-common.sh"
jobs=${JOBS:-40} workers=${WORKERS:-1}

store=$work/store
"$runbook" init --store "$store" >/dev/null
token=$("$runbook" token create fleet --role agent --store "$store" --json 2>/dev/null |
    "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["token"])')
start_serve "$work/serve.log" "$store" --tls-self-signed
mkdir -p "$work/runbooks"
printf 'name: hello\nsteps:\n  - name: say\n    action: log\n    with: { message: hello }\n' >"$work/runbooks/hello.yaml"
for index in $(seq 1 "$workers"); do
    mkdir -p "$work/root$index/etc"
    cp /etc/os-release "$work/root$index/etc/os-release"
    "$runbook" agent --server "$url" --ca "$store/tls.crt" --token "$token" --state "$work/state$index" \
        --root "$work/root$index" --name "worker$index" --group g1 >"$work/agent$index.log" 2>&1 &
    pids+=("$!")
    wait_for "$work/agent$index.log" 'working for the hybrid worker group'
done
sleep 2
for _ in $(seq 1 "$jobs"); do
    id=$("$runbook" run "$work/runbooks/hello.yaml" --run-on g1 --store "$store" --json |
        "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["id"])')
    for _ in $(seq 1 200); do
        status=$("$runbook" jobs show "$id" --json --store "$store" |
            "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["status"])')
        [ "$status" = Completed ] && break
        sleep 0.05
    done
    echo "$id" >>"$work/ids"
done
"$PYTHON" - "$runbook" "$store" "$work/ids" "$workers" <<'PY'
import json, subprocess, sys
from datetime import datetime
runbook, store, ids, workers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
def at(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
claims, runs = [], []
for job_id in open(ids).read().split():
    job = json.loads(subprocess.run([runbook, "jobs", "show", job_id, "--json", "--store", store],
                                    capture_output=True, text=True, check=True).stdout)
    times = {change["status"]: at(change["at"]) for change in job["statusHistory"]}
    assert job["status"] == "Completed", job["status"]
    claims.append((times["Activating"] - times["New"]).total_seconds())
    runs.append((times["Completed"] - times["New"]).total_seconds())
def pct(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
print(f"\n{len(claims)} jobs, {workers} idle worker(s), one job at a time")
print("| from creation to | p50 | p99 | max |")
print("| --- | ---: | ---: | ---: |")
print(f"| Activating on a worker (the claim) | {pct(claims, 0.5)*1000:.0f} ms | {pct(claims, 0.99)*1000:.0f} ms | {max(claims)*1000:.0f} ms |")
print(f"| Completed (a one-step job) | {pct(runs, 0.5)*1000:.0f} ms | {pct(runs, 0.99)*1000:.0f} ms | {max(runs)*1000:.0f} ms |")
PY
machine_note
