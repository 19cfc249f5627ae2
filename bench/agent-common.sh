# Shared by bench/agent-*.sh and bench/gateway-ab.sh (sourced, not run): the binary, Python,
# a work folder under /tmp, processes stopped by their PID at exit, and a served store.
#   RUNBOOK=path/to/runbook (default .build/debug/runbook; nothing is built)
#   PYTHON=python (default .build-venv/bin/python, else python3; standard library only)
#   BUILD=debug|release (only the label printed with the figures)
#   BENCH_DIR=/tmp/... (default /tmp/runbook-<script>.XXXXXX; removed at the end unless KEEP=1)
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
runbook=${RUNBOOK:-$root/.build/debug/runbook}
[ -x "$runbook" ] || { echo "no runbook binary at $runbook (set RUNBOOK)" >&2; exit 69; }
if [ -z "${PYTHON:-}" ]; then
    if [ -x "$root/.build-venv/bin/python" ]; then PYTHON=$root/.build-venv/bin/python; else PYTHON=python3; fi
fi
work=${BENCH_DIR:-$(mktemp -d "/tmp/runbook-$(basename "$0" .sh).XXXXXX")}
mkdir -p "$work"
chmod 755 "$work"
pids=()
postgres_folders=()

cleanup() {
    local pid folder
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    for folder in "${postgres_folders[@]}"; do "$root/scripts/postgres-test-server.sh" stop "$folder" || true; done
    if [ -z "${KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits until FILE holds a line matching PATTERN (at most 30 s).
wait_for() {
    local file=$1 pattern=$2
    for _ in $(seq 1 300); do
        grep -q "$pattern" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "timed out waiting for '$pattern' in $file:" >&2
    cat "$file" >&2
    exit 1
}

# A store with tracking enabled on every current and future machine and an agent token:
#   prepare_store STORE [init options...]    sets $token
prepare_store() {
    local store=$1
    shift
    "$runbook" init --store "$store" "$@" >/dev/null
    "$runbook" run enable-tracking -p scope=all-available-and-future --store "$store" >/dev/null
    token=$("$runbook" token create fleet --role agent --store "$store" --json 2>/dev/null |
        "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["token"])')
}

# Starts `runbook serve` on STORE with the given options, its output in LOG:
#   start_serve LOG STORE [serve options...]    sets $url, $serve_pid and appends to $pids
start_serve() {
    local log=$1 store=$2
    shift 2
    "$runbook" serve --store "$store" --port 0 "$@" >"$log" 2>&1 &
    serve_pid=$!
    pids+=("$serve_pid")
    wait_for "$log" '^Serving '
    url=$(grep -o 'https\?://127.0.0.1:[0-9]*' "$log" | head -1)
}

# Starts `runbook gateway` to HOST:PORT:    start_gateway LOG PORT   sets $gateway, $status_url
start_gateway() {
    local log=$1 port=$2
    "$runbook" gateway --listen 127.0.0.1:0 --allow "127.0.0.1:$port" --secure-port "$port" \
        --status 127.0.0.1:0 >"$log" 2>&1 &
    pids+=("$!")
    wait_for "$log" 'status on'
    gateway=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$log" | head -1 | cut -d' ' -f3)
    status_url=$(grep -o 'http://127.0.0.1:[0-9]*/status' "$log" | head -1)
}

machine_note() {
    echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), runbook $("$runbook" --version) (${BUILD:-debug} build, $runbook), $(date -u +%Y-%m-%dT%H:%MZ)"
}
