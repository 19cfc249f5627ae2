#!/usr/bin/env bash
# The gateway's added latency and its throughput against a direct connection, side by side in
# one run (bench/gateway_ab.py): `GET /healthz` of a `runbook serve` (self-signed TLS) with a new
# connection per request (curl) and on one kept-alive connection (Python), an agent's heartbeat
# (`POST /agent/v1/heartbeat`) on the kept-alive connection, and a download of
# BLOB_MB (100) MB from a local server (bench/bulk_server.py, plain HTTP and HTTPS) with curl,
# direct and with `curl -p -x` through `runbook gateway` (a CONNECT tunnel either way).
#   bench/gateway-ab.sh
# Environment: ROUNDS (5), BLOB_MB, RUNBOOK, PYTHON, BENCH_DIR, KEEP=1.
set -euo pipefail
source "$(dirname "$0")/agent-common.sh"
rounds=${ROUNDS:-5} blob_mb=${BLOB_MB:-100}

prepare_store "$work/store"
start_serve "$work/serve.log" "$work/store" --tls-self-signed
serve_port=${url##*:}
head -c "$((blob_mb * 1024 * 1024))" /dev/urandom >"$work/blob"
"$PYTHON" bench/bulk_server.py "$work/blob" "$work/plain.port" &
pids+=("$!")
"$PYTHON" bench/bulk_server.py "$work/blob" "$work/tls.port" "$work/store/tls.crt" "$work/store/tls.key" &
pids+=("$!")
for _ in $(seq 1 100); do [ -f "$work/plain.port" ] && [ -f "$work/tls.port" ] && break; sleep 0.1; done
plain_port=$(cat "$work/plain.port") tls_port=$(cat "$work/tls.port")

"$runbook" gateway --listen 127.0.0.1:0 --status 127.0.0.1:0 \
    --allow "127.0.0.1:$serve_port" --allow "127.0.0.1:$plain_port" --allow "127.0.0.1:$tls_port" \
    --secure-port "$serve_port" --secure-port "$plain_port" --secure-port "$tls_port" >"$work/gateway.log" 2>&1 &
gateway_pid=$!
pids+=("$gateway_pid")
wait_for "$work/gateway.log" 'status on'
gateway=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$work/gateway.log" | head -1 | cut -d' ' -f3)

"$PYTHON" bench/gateway_ab.py "$url" "$work/store/tls.crt" "$gateway" "$gateway_pid" "$plain_port" "$tls_port" \
    "$((blob_mb * 1024 * 1024))" "$rounds" "$token" >"$work/result.json"

"$PYTHON" - "$work/result.json" "$blob_mb" <<'PY'
import json, statistics, sys
r, blob_mb = json.load(open(sys.argv[1])), int(sys.argv[2])
q = lambda values, p: sorted(values)[min(len(values) - 1, int(p * len(values)))]
print("\n| request to runbook serve (TLS) | direct p50 / p99 | through the gateway p50 / p99 | "
      "added at p50 | ratio |")
print("| --- | ---: | ---: | ---: | ---: |")
n = r["newConnection"]
d, g = statistics.median(n["direct"]), statistics.median(n["gateway"])
print(f"| `GET /healthz`, a new connection per request (curl, {len(n['direct'])} each) | {d * 1000:.2f} / {q(n['direct'], 0.99) * 1000:.2f} ms | "
      f"{g * 1000:.2f} / {q(n['gateway'], 0.99) * 1000:.2f} ms | {(g - d) * 1000:+.2f} ms | {g / d:.2f} |")
k = r["keptConnection"]["latencies"]
d, g = statistics.median(k["direct"]), statistics.median(k["gateway"])
print(f"| `GET /healthz`, one kept-alive connection ({len(k['direct'])} each) | {d * 1000:.3f} / {q(k['direct'], 0.99) * 1000:.3f} ms | "
      f"{g * 1000:.3f} / {q(k['gateway'], 0.99) * 1000:.3f} ms | {(g - d) * 1000:+.3f} ms | {g / d:.2f} |")
h = r["heartbeat"]
d, g = statistics.median(h["direct"]), statistics.median(h["gateway"])
print(f"| an agent's heartbeat, `POST /agent/v1/heartbeat`, kept-alive ({len(h['direct'])} each) | "
      f"{d * 1000:.2f} / {q(h['direct'], 0.99) * 1000:.2f} ms | {g * 1000:.2f} / {q(h['gateway'], 0.99) * 1000:.2f} ms | "
      f"{(g - d) * 1000:+.2f} ms | {g / d:.2f} |")
rates = r["keptConnection"]["rates"]
print(f"\nkept-alive requests/s, median of blocks: direct {statistics.median(rates['direct']):,.0f}, "
      f"gateway {statistics.median(rates['gateway']):,.0f}")
print(f"\n| download of {blob_mb} MB (curl) | direct | through the gateway | ratio | gateway CPU per GiB |")
print("| --- | ---: | ---: | ---: | ---: |")
for scheme, figures in r["bulk"].items():
    s = figures["speeds"]
    d, g = statistics.median(s["direct"]) / 1e6, statistics.median(s["gateway"]) / 1e6
    print(f"| {scheme} (median of {len(s['direct'])}; all: {', '.join(f'{x / 1e6:.0f}' for x in s['direct'])} / "
          f"{', '.join(f'{x / 1e6:.0f}' for x in s['gateway'])}) | {d:,.0f} MB/s | {g:,.0f} MB/s | {g / d:.2f} | "
          f"{figures['gatewayCpuPerGiB']:.2f} s |")
PY
machine_note
