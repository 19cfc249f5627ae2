#!/usr/bin/env bash
# Does adding nodes add throughput? (issue 12, docs/PERFORMANCE.md) Side by side in one run:
# 1, 2 and 4 nodes, each a `runbook scheduler` in a network namespace of its own (a host with its
# own address, joined to this one by a bridge), all on one PostgreSQL that listens on the bridge.
# Each node has --concurrency 4. The work is 240 jobs queued in New before the nodes start, each
# a one-second `wait`: jobs bound by their slots, as real jobs are (a scan waits on disks and
# networks, not on the scheduler). Reported: jobs per second from the first start to the last
# end, and the ideal (slots / 1 s). Needs root (ip netns), iproute2 and postgresql-15.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product runbook >/dev/null
bin="$(swift build -c release --show-bin-path)/runbook"
work=${BENCH_DIR:-/tmp/runbook-node-scaling}
jobs=${JOBS:-240}
bridge=rbscale0
rm -rf "$work" && mkdir -p "$work/runbooks"
pgfolder="$work/postgres"

cleanup() {
    pkill -f "$bin scheduler --store postgresql://runbook@10.231.0.1" || true
    for n in 1 2 3 4; do ip netns del "rbscale$n" 2>/dev/null || true; done
    ip link del "$bridge" 2>/dev/null || true
    scripts/postgres-test-server.sh stop "$pgfolder" 2>/dev/null || true
}
trap cleanup EXIT
cleanup

ip link add "$bridge" type bridge
ip addr add 10.231.0.1/16 dev "$bridge"
ip link set "$bridge" up
for n in 1 2 3 4; do
    ip netns add "rbscale$n"
    ip link add "rbsh$n" type veth peer name "rbsn$n"
    ip link set "rbsh$n" master "$bridge" up
    ip link set "rbsn$n" netns "rbscale$n"
    ip netns exec "rbscale$n" ip addr add "10.231.$n.2/16" dev "rbsn$n"
    ip netns exec "rbscale$n" ip link set "rbsn$n" up
    ip netns exec "rbscale$n" ip link set lo up
done
local_url=$(EXTRA_LISTEN=10.231.0.1 scripts/postgres-test-server.sh start "$pgfolder")
port=${local_url##*:}
port=${port%%/*}
printf 'name: second\nsteps:\n  - name: wait\n    action: wait\n    with:\n      seconds: 1\n' \
    >"$work/runbooks/second.yaml"

run() {
    local nodes=$1 schema="scale_$1"
    local url="postgresql://runbook@10.231.0.1:$port/runbook_test?schema=$schema"
    local here="$local_url?schema=$schema"
    "$bin" store migrate --store "$here" >/dev/null
    (cd "$work" && "$bin" run second --store "$here" >/dev/null)
    # The queued job, cloned: all jobs wait in New before any node starts.
    psql "$local_url" -qc "SET search_path = $schema;
        INSERT INTO job (id, runbook_name, runbook_digest, runbook_content, parameters, start_reason, started_by,
            account_name, targets, status, created_at, log_verbose, log_progress, checkpoint_step, runbook_source)
        SELECT gen_random_uuid()::text, runbook_name, runbook_digest, runbook_content, parameters, start_reason,
            started_by, account_name, targets, status, created_at + g * interval '1 microsecond', log_verbose,
            log_progress, checkpoint_step, runbook_source
        FROM job, generate_series(1, $((jobs - 1))) g;
        UPDATE job SET owner_pid = NULL, owner_host = NULL;
        INSERT INTO job_status (job_id, seq, status, at) SELECT id, 1, 'New', created_at FROM job
        ON CONFLICT DO NOTHING;"
    local pids=()
    for n in $(seq 1 "$nodes"); do
        ip netns exec "rbscale$n" "$bin" scheduler --store "$url" --node "host$n" --poll 0.2 --concurrency 4 \
            >"$work/scale-$nodes-host$n.log" 2>&1 &
        pids+=($!)
    done
    while [ "$(psql "$local_url" -Atc "SELECT COUNT(*) FROM $schema.job WHERE status = 'Completed'")" -lt "$jobs" ]; do
        sleep 0.5
    done
    kill "${pids[@]}"
    wait "${pids[@]}" || true
    psql "$local_url" -Atc "SELECT COUNT(*) / EXTRACT(EPOCH FROM MAX(ended_at) - MIN(started_at)),
            COUNT(DISTINCT lease_node) FROM $schema.job" | python3 -c '
import sys
rate, hosts = sys.stdin.read().strip().split("|")
nodes = int(sys.argv[1])
print(f"{nodes} node(s), {hosts} ran jobs   {float(rate):6.2f} jobs/s   ideal {4 * nodes:5.1f} jobs/s   {float(rate) / (4 * nodes) * 100:5.1f}% of ideal")
' "$nodes"
}

echo "$jobs jobs of 1 s each, --concurrency 4 per node, each node in its own network namespace"
for nodes in 1 2 4; do run "$nodes"; done
