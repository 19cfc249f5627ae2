#!/usr/bin/env bash
# Agent ingestion, side by side in one run: one `runbook serve` on SQLite and one on PostgreSQL
# (a throwaway server from scripts/postgres-test-server.sh), both over TLS with the same
# self-signed certificate, each receiving AGENTS simulated agents (bench/agent_ingest.py,
# standard library Python, one keep-alive HTTPS connection per agent).
#   bench/agent-ingest.sh
# Environment: AGENTS (100), ROUNDS (5 burst rounds per store), SUSTAIN (30 s), RATE (20/s:
# 100 agents each sending a change every 5 s), ITEMS (10: the items of each machine's baseline),
# RUNBOOK, PYTHON, BENCH_DIR, KEEP=1.
# Needs postgresql-15 (Debian) for the PostgreSQL side.
set -euo pipefail
source "$(dirname "$0")/agent-common.sh"
agents=${AGENTS:-100} rounds=${ROUNDS:-5} sustain=${SUSTAIN:-30} rate=${RATE:-20}

# SQLite: the store folder also holds the self-signed certificate both services use.
prepare_store "$work/sqlite"
sqlite_token=$token
start_serve "$work/serve-sqlite.log" "$work/sqlite" --tls-self-signed
sqlite_url=$url sqlite_pid=$serve_pid

# PostgreSQL.
postgres_folders+=("$work/pg")
pg_url=$("$root/scripts/postgres-test-server.sh" start "$work/pg")
postmaster=$(head -1 "$work/pg/data/postmaster.pid")
prepare_store "$pg_url"
pg_token=$token
start_serve "$work/serve-pg.log" "$pg_url" --tls-cert "$work/sqlite/tls.crt" --tls-key "$work/sqlite/tls.key"
pg_service_url=$url pg_pid=$serve_pid

cat >"$work/targets.json" <<JSON
[
  {"label": "SQLite", "url": "$sqlite_url", "ca": "$work/sqlite/tls.crt", "token": "$sqlite_token",
   "pids": [$sqlite_pid]},
  {"label": "PostgreSQL", "url": "$pg_service_url", "ca": "$work/sqlite/tls.crt", "token": "$pg_token",
   "pids": [$pg_pid, $postmaster]}
]
JSON
"$PYTHON" bench/agent_ingest.py "$work/targets.json" "$agents" "$rounds" "$sustain" "$rate" >"$work/result.json"

# Each store's record of the agents' last upload must be what the agents sent.
"$runbook" agent list --json --store "$work/sqlite" >"$work/agents-SQLite.json"
"$runbook" agent list --json --store "$pg_url" >"$work/agents-PostgreSQL.json"

"$PYTHON" - "$work" "$rate" <<'PY'
import json, statistics, sys
work, goal = sys.argv[1], float(sys.argv[2])
result = json.load(open(f"{work}/result.json"))
print(f"\n{result['agents']} simulated agents per store, one keep-alive HTTPS connection each, "
      f"machines of {result['items']:,} items; every upload carries one changed file item")
print("\n| store | burst: uploads stored/s (median of rounds; all rounds) | burst p50 / p99 | "
      f"ratio to {goal:.0f}/s | CPU per upload: service + database | client CPU per upload |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
rates = {}
for label, figures in result["targets"].items():
    bursts = [b["rate"] for b in figures["bursts"]]
    rate = statistics.median(bursts)
    rates[label] = rate
    lat = sorted(figures["burstLatencies"])
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000
    cpu = sum(b["cpu"] for b in figures["bursts"]) / (len(bursts) * result["agents"]) * 1000
    client = sum(b["clientCpu"] for b in figures["bursts"]) / (len(bursts) * result["agents"]) * 1000
    service = sum(b["serviceCpu"] for b in figures["bursts"]) / (len(bursts) * result["agents"]) * 1000
    split = f"{service:.1f} + {cpu - service:.1f} ms" if cpu - service > 0.05 else f"{cpu:.1f} ms"
    print(f"| {label} | {rate:.1f} ({', '.join(f'{r:.0f}' for r in bursts)}) | {p(0.5):.0f} / {p(0.99):.0f} ms | "
          f"{rate / goal:.2f}x | {split} | {client:.1f} ms |")
notes = []
print("\n| store | sustained | achieved | p50 | p99 | max | CPU of the service (and PostgreSQL) |")
print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
for label, figures in result["targets"].items():
    s = figures["sustained"]
    over = f" (over {s['duration']:.0f} s)" if s["duration"] > s["seconds"] + 2 else ""
    print(f"| {label} | {s['rate']:.0f} uploads/s for {s['seconds']:.0f} s ({s['uploads']} uploads) | "
          f"{s['achieved']:.1f}/s{over} | {s['p50'] * 1000:.1f} ms | {s['p99'] * 1000:.1f} ms | {s['max'] * 1000:.0f} ms | "
          f"{s['cpuShare'] * 100:.0f}% of a core, {s['cpuPerUpload'] * 1000:.1f} ms per upload |")
    notes.append(f"{label}: the client sent its uploads at most {s['lateP99'] * 1000:.0f} ms late (p99)")
print("\n" + "; ".join(notes))
labels = list(rates)
if len(labels) == 2:
    print(f"\nburst rate {labels[1]} / {labels[0]}: {rates[labels[1]] / rates[labels[0]]:.2f}")
for label, figures in result["targets"].items():
    stored = {row["machine"]: int(row["lastUpload"]) for row in json.load(open(f"{work}/agents-{label}.json"))}
    wrong = [name for name, sequence in figures["lastSequence"].items() if stored.get(name) != sequence]
    print(f"{label}: {len(figures['problems'])} uploads not answered 'stored' with 1 change; "
          f"{len(wrong)} agents whose stored last upload differs from what they sent; "
          f"{figures['reconnects']} reconnections")
    for problem in figures["problems"][:10]:
        print(f"  {problem}")
PY
machine_note
