#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the tests: initdb into a temporary folder and pg_ctl, as
# the unprivileged `postgres` user when run as root, on a free port, listening on 127.0.0.1 only
# with trust authentication (nothing else can reach it). Debian's `postgresql-15` provides it.
#
#   scripts/postgres-test-server.sh start [FOLDER]   prints postgresql://runbook@127.0.0.1:PORT/runbook_test
#   scripts/postgres-test-server.sh stop FOLDER      stops it and removes the folder
#   scripts/postgres-test-server.sh restart FOLDER   stops it and starts it again on its port
#   scripts/postgres-test-server.sh halt FOLDER      stops it, keeping the folder (then restart)
#
# EXTRA_LISTEN=10.231.1.1 also listens on that address (a veth in a test's network namespace)
# and trusts its /16; nothing but the test's own namespaces can reach it.
#
# The tests read the URL from RUNBOOK_TEST_POSTGRES_URL (.ci/run exports it):
#   folder=$(mktemp -d); export RUNBOOK_TEST_POSTGRES_URL=$(scripts/postgres-test-server.sh start "$folder")
set -euo pipefail

bin=${POSTGRES_BIN:-/usr/lib/postgresql/15/bin}
user=runbook
database=runbook_test

usage() {
    echo "usage: $0 start [FOLDER] | stop FOLDER | halt FOLDER | restart FOLDER" >&2
    exit 64
}

# Runs a PostgreSQL program as the owner of the data folder (the server refuses to run as root).
as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
    if [ ! -x "$bin/initdb" ]; then
        echo "error: no PostgreSQL at $bin (apt-get install postgresql-15, or set POSTGRES_BIN)" >&2
        exit 69
    fi
    local folder=${1:-}
    if [ -z "$folder" ]; then
        folder=$(mktemp -d "${TMPDIR:-/tmp}/runbook-postgres.XXXXXX")
        echo "data folder: $folder (stop with: $0 stop $folder)" >&2
    fi
    mkdir -p "$folder"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$folder"; fi
    as_owner "$bin/initdb" --pgdata="$folder/data" --username="$user" --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$folder/initdb.log" 2>&1 || {
        cat "$folder/initdb.log" >&2
        exit 1
    }
    local listen=127.0.0.1
    if [ -n "${EXTRA_LISTEN:-}" ]; then
        listen="127.0.0.1,$EXTRA_LISTEN"
        echo "host all all ${EXTRA_LISTEN%.*.*}.0.0/16 trust" >>"$folder/data/pg_hba.conf"
    fi
    echo "$listen" >"$folder/listen"
    # A port taken between the probe and the start makes pg_ctl fail: try another.
    local port attempt
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_owner "$bin/pg_ctl" --pgdata="$folder/data" --log="$folder/server.log" --wait \
            -o "-c listen_addresses=$listen -c port=$port -c unix_socket_directories=$folder -c fsync=off" \
            start >/dev/null; then
            echo "$port" >"$folder/port"
            as_owner "$bin/createdb" --host=127.0.0.1 --port="$port" --username="$user" "$database"
            echo "postgresql://$user@127.0.0.1:$port/$database"
            return 0
        fi
        echo "note: PostgreSQL did not start on port $port (attempt $attempt); trying another" >&2
    done
    cat "$folder/server.log" >&2
    exit 1
}

stop() {
    local folder=${1:-}
    [ -n "$folder" ] || usage
    if [ -d "$folder/data" ]; then
        as_owner "$bin/pg_ctl" --pgdata="$folder/data" --mode=fast --wait stop >/dev/null || true
    fi
    rm -rf "$folder"
}

halt() {
    local folder=${1:-}
    [ -n "$folder" ] || usage
    as_owner "$bin/pg_ctl" --pgdata="$folder/data" --mode=fast --wait stop >/dev/null
}

restart() {
    local folder=${1:-}
    [ -n "$folder" ] || usage
    as_owner "$bin/pg_ctl" --pgdata="$folder/data" --mode=fast --wait stop >/dev/null 2>&1 || true
    as_owner "$bin/pg_ctl" --pgdata="$folder/data" --log="$folder/server.log" --wait \
        -o "-c listen_addresses=$(cat "$folder/listen") -c port=$(cat "$folder/port") -c unix_socket_directories=$folder -c fsync=off" \
        start >/dev/null
}

case "${1:-}" in
start) start "${2:-}" ;;
stop) stop "${2:-}" ;;
halt) halt "${2:-}" ;;
restart) restart "${2:-}" ;;
*) usage ;;
esac
