#!/usr/bin/env bash
# Bytes on the wire per interval of a real `runbook agent` on a machine of FILES tracked files
# (default 10,000), counted by the `runbook gateway` it sends through (GET /status: the bytes
# each way inside the tunnels, i.e. TLS records; the CONNECT head and TCP/IP headers are not
# counted). One `runbook serve` (SQLite, self-signed TLS), one gateway, one agent with
# --interval INTERVAL (default 60s, the heartbeat's period, so that each interval is one
# configuration request, one collection and one heartbeat); INTERVALS intervals (4) with nothing
# changed, then INTERVALS intervals each after one file was changed.
#   bench/agent-wire.sh
#   INTERVAL=default INTERVALS=6 bench/agent-wire.sh   # Azure's schedule: a heartbeat a minute
# Takes about 2 x INTERVALS x INTERVAL plus a minute. Environment: FILES, INTERVAL, INTERVALS,
# RUNBOOK, PYTHON, BENCH_DIR, KEEP=1.
set -euo pipefail
source "$(dirname "$0")/agent-common.sh"
files=${FILES:-10000} interval=${INTERVAL:-60s} intervals=${INTERVALS:-4}

prepare_store "$work/store" --profile extended
"$runbook" tracking add file bench --path '/etc/bench/*' --store "$work/store" >/dev/null
"$PYTHON" bench/agent_watch.py tree "$work/root" "$files"
start_serve "$work/serve.log" "$work/store" --tls-self-signed
start_gateway "$work/gateway.log" "${url##*:}"

# INTERVAL=default: Azure's schedule (heartbeat every minute, settings every 3 minutes, files
# every 15): only intervals without change are watched (each burst is then one heartbeat).
every=(--interval "$interval") changed=$intervals
if [ "$interval" = default ]; then every=() changed=0; fi
"$runbook" agent --server "$url" --ca "$work/store/tls.crt" --token "$token" --state "$work/agent" \
    --name wire01 --root "$work/root" "${every[@]}" --proxy "http://$gateway" >"$work/agent.log" 2>&1 &
agent_pid=$!
pids+=("$agent_pid")
"$PYTHON" bench/agent_watch.py wire "$status_url" "$agent_pid" "$work/root" "$work/store/automation.sqlite" \
    wire01 "$intervals" "$changed" >"$work/wire.json"

"$PYTHON" - "$work/wire.json" "$files" "$interval" <<'PY'
import json, statistics, sys
figures, files, interval = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3]
rows = [("start: enrolment, settings, baseline, heartbeat", figures["start"])]
rows += [(f"no change {i + 1}", f) for i, f in enumerate(figures["quiet"])]
rows += [(f"one file changed {i + 1}", f) for i, f in enumerate(figures["changed"])]
bursts = [f for _, f in rows]
print(f"\nOne agent, {files:,} tracked files, {'Azure schedule (no --interval)' if interval == 'default' else '--interval ' + interval}, through the gateway "
      "(TLS bytes inside the tunnel; CONNECT head and TCP/IP headers not counted)")
print("\n| interval | up | down | total | new tunnel (TLS handshake) | changes stored | agent CPU in the interval |")
print("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
for i, (label, f) in enumerate(rows):
    cpu = (bursts[i + 1]["agentCpuAtStart"] - f["agentCpuAtStart"]) if i + 1 < len(bursts) else None
    print(f"| {label} | {f['up']:,} B | {f['down']:,} B | {f['up'] + f['down']:,} B | "
          f"{'yes' if f['tunnels'] else 'no'} | {f.get('changesStored', '-')} | "
          f"{f'{cpu:.2f} s' if cpu is not None else '-'} |")
for name, group in (("no change", figures["quiet"]), ("one change", figures["changed"])):
    if not group:
        continue
    kept = [f["up"] + f["down"] for f in group if not f["tunnels"]]
    fresh = [f["up"] + f["down"] for f in group if f["tunnels"]]
    text = []
    if kept:
        text.append(f"kept connection median {statistics.median(kept):,.0f} B "
                    f"({statistics.median(kept) / 2048:.2f} of 2 KB, {len(kept)} intervals)")
    if fresh:
        text.append(f"new connection median {statistics.median(fresh):,.0f} B "
                    f"({statistics.median(fresh) / 2048:.2f} of 2 KB, {len(fresh)} intervals)")
    allbytes = [f["up"] + f["down"] for f in group]
    text.append(f"mean of all {statistics.mean(allbytes):,.0f} B")
    print(f"{name}: " + "; ".join(text))
PY
echo "gateway tunnels: $(grep -c 'event=103' "$work/gateway.log" || true) closed during the run"
machine_note
