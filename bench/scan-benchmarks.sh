#!/usr/bin/env bash
# The scan figures (issues 3 and 25), side by side in one run: full scans and rescans of a
# generated 100,000-file tree against find|xargs sha256sum, find -printf and AIDE, warm and cold
# cache; the SHA-256 ceiling; the system calls per file; package inventory against dpkg-query;
# the snapshot diff. BEFORE=/path/to/an/older/runbook adds that binary to every comparison (its
# own stores). MILLION=1 adds a tree of 1,000,000 small files (memory and time of one scan).
# Needs hyperfine, time, aide, strace and openssl (apt-get install hyperfine time aide strace
# openssl); cold-cache runs need root (they write /proc/sys/vm/drop_caches). Takes several
# minutes and about 2 GB of disk under $BENCH_DIR (default /tmp/runbook-scan-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/runbook-scan-bench}
runs=${RUNS:-5}
before=${BEFORE:-}
swift build -c release --product runbook >/dev/null && swift build -c release --product runbook-bench >/dev/null
bin=$(swift build -c release --show-bin-path)
runbook="$bin/runbook"
subscription=00000000-0000-0000-0000-000000000001

if [ ! -d "$work/tree/data" ]; then
    mkdir -p "$work"
    "$bin/runbook-bench" tree-generate "$work/tree" 100000
fi
echo "tree: $(find "$work/tree/data" -type f | wc -l) files, $(du -sh "$work/tree/data" | cut -f1)"

# setup BINARY NAME TREE: a store whose account has the extended profile (no 500-file cap) and
# one machine, the tree: $work/NAME/store-fresh (never scanned) and store-scanned (scanned once).
setup() {
    local binary=$1 name=$2 tree=$3
    export RUNBOOK_STORE="$work/$name/store"
    rm -rf "${work:?}/$name" && mkdir -p "$work/$name"
    "$binary" init --account bench --subscription $subscription --resource-group g --region EastUS2 \
        --workspace w --workspace-region EastUS --profile extended >/dev/null
    "$binary" machine register bench --os "Debian 12" --source "linux-root:$tree" --standard-rules \
        --location EastUS2 --subscription $subscription >/dev/null
    "$binary" run enable-tracking -p machines=bench >/dev/null
    "$binary" run bench/bench-configure.yaml >/dev/null
    cp -r "$work/$name/store" "$work/$name/store-fresh"
    "$binary" run scan -p machines=bench 2>/dev/null | grep "bench:"
    cp -r "$work/$name/store" "$work/$name/store-scanned"
    unset RUNBOOK_STORE
}
setup "$runbook" now "$work/tree"
[ -n "$before" ] && setup "$before" before "$work/tree"

# AIDE 0.18 with a sha256-only rule over the same files.
mkdir -p "$work/aide"
cat > "$work/aide/aide.conf" <<CONF
database_in=file:$work/aide/aide.db
database_out=file:$work/aide/aide.db
database_new=file:$work/aide/aide.db
SHA = sha256
$work/tree/data SHA
CONF
aide --init -c "$work/aide/aide.conf" >/dev/null 2>&1 || true

# scan NAME FROM: the command line of a scan with a copy of store FROM put in place first.
fresh() { echo "sh -c 'rm -rf $work/$1/store && cp -r $work/$1/store-$2 $work/$1/store'"; }
scan() { echo "env RUNBOOK_STORE=$work/$1/store $2 run scan -p machines=bench"; }
drop="sync; echo 3 > /proc/sys/vm/drop_caches"

full=(-n "runbook run scan (first scan)" --prepare "$(fresh now fresh)" "$(scan now "$runbook")")
rescan=(-n "runbook run scan (rescan)" --prepare "$(fresh now scanned)" "$(scan now "$runbook")")
if [ -n "$before" ]; then
    full+=(-n "before: runbook run scan (first scan)" --prepare "$(fresh before fresh)" "$(scan before "$before")")
    rescan+=(-n "before: runbook run scan (rescan)" --prepare "$(fresh before scanned)" "$(scan before "$before")")
fi

echo
echo "== SHA-256 ceiling of this machine (openssl, 16 KiB blocks, both cores)"
openssl speed -evp sha256 -bytes 16384 -multi 2 -seconds 3 2>/dev/null | tail -1
"$bin/runbook-bench" sha x

echo
echo "== full scan (every file hashed), warm cache"
cat "$work/tree/data"/d1/* >/dev/null
find "$work/tree/data" -type f -print0 | xargs -0 cat >/dev/null
hyperfine -N --runs "$runs" --warmup 1 --export-markdown "$work/full.md" "${full[@]}" \
    -n "find | xargs sha256sum (1 process)" --prepare true \
    "sh -c 'find $work/tree/data -type f -print0 | xargs -0 sha256sum >/dev/null'" \
    -n "find | xargs -P2 sha256sum (2 cores)" --prepare true \
    "sh -c 'find $work/tree/data -type f -print0 | xargs -0 -P2 -n 2000 sha256sum >/dev/null'" \
    -n "aide --init (sha256 only)" --prepare true "aide --init -c $work/aide/aide.conf"

echo
echo "== rescan, nothing changed, warm cache"
hyperfine -N --runs "$runs" --warmup 1 --export-markdown "$work/rescan.md" "${rescan[@]}" \
    -n "find -printf '%s\\n'" --prepare true "find $work/tree/data -printf '%s\\n'" \
    -n "aide --check" --prepare true "sh -c 'aide --check -c $work/aide/aide.conf >/dev/null; true'"

if [ "$(id -u)" = 0 ]; then
    echo
    echo "== cold cache (page cache dropped before every run)"
    hyperfine -N --runs 3 --export-markdown "$work/cold.md" \
        -n "runbook run scan (first scan), cold" --prepare "sh -c '$drop; rm -rf $work/now/store && cp -r $work/now/store-fresh $work/now/store'" \
        "$(scan now "$runbook")" \
        -n "find | xargs -P2 sha256sum, cold" --prepare "sh -c '$drop'" \
        "sh -c 'find $work/tree/data -type f -print0 | xargs -0 -P2 -n 2000 sha256sum >/dev/null'" \
        -n "runbook run scan (rescan), cold" --prepare "sh -c '$drop; rm -rf $work/now/store && cp -r $work/now/store-scanned $work/now/store'" \
        "$(scan now "$runbook")" \
        -n "find -printf, cold" --prepare "sh -c '$drop'" "find $work/tree/data -printf '%s\\n'"
fi

echo
echo "== system calls per file of one full scan (strace -c; 100,000 files)"
rm -rf "$work/now/store" && cp -r "$work/now/store-fresh" "$work/now/store"
RUNBOOK_STORE="$work/now/store" strace -f -c -o "$work/strace.txt" "$runbook" run scan -p machines=bench >/dev/null 2>&1
awk '$NF ~ /^(openat|newfstatat|fstat|statx|close|read|getdents64)$/ { printf "%-12s %9d calls  %.2f per file\n", $NF, $4, $4 / 100000 }' "$work/strace.txt"

echo
echo "== rescan after 1% of the files changed (1,000 files)"
rm -rf "$work/now/store" && cp -r "$work/now/store-scanned" "$work/now/store"
for index in $(seq 0 100 99999); do printf 'x' >> "$work/tree/data/d$((index / 1000))/f$index"; done
RUNBOOK_STORE="$work/now/store" "$runbook" run scan -p machines=bench 2>/dev/null | grep "bench:"

echo
echo "== package inventory of this host"
hyperfine -N --warmup 3 --export-markdown "$work/dpkg.md" \
    -n "runbook-bench dpkg (parse /var/lib/dpkg/status)" "$bin/runbook-bench dpkg x" \
    -n "dpkg-query -W" "dpkg-query -W"

echo
echo "== snapshot diff and memory"
/usr/bin/time -v "$bin/runbook-bench" diff x 1000000 2>&1 | grep -E "diff of|Maximum resident"
rm -rf "$work/now/store" && cp -r "$work/now/store-fresh" "$work/now/store"
RUNBOOK_STORE="$work/now/store" /usr/bin/time -v "$runbook" run scan -p machines=bench 2>&1 | grep -E "Maximum resident"

if [ -n "${MILLION:-}" ]; then
    echo
    echo "== a tree of 1,000,000 files (1,000 folders of 1,000 files of 64 bytes)"
    if [ ! -d "$work/million/data" ]; then
        python3 - "$work/million/data" <<'PY'
import os, sys
root = sys.argv[1]
for folder in range(1000):
    path = os.path.join(root, f"d{folder}")
    os.makedirs(path, exist_ok=True)
    for file in range(1000):
        with open(os.path.join(path, f"f{file}"), "wb") as out:
            out.write(f"{folder}/{file}".encode().ljust(64, b"."))
PY
    fi
    setup "$runbook" million-store "$work/million" >/dev/null
    rm -rf "$work/million-store/store" && cp -r "$work/million-store/store-fresh" "$work/million-store/store"
    RUNBOOK_STORE="$work/million-store/store" /usr/bin/time -v "$runbook" run scan -p machines=bench 2>&1 \
        | grep -E "bench:|Elapsed|Maximum resident"
    RUNBOOK_STORE="$work/million-store/store" /usr/bin/time -v "$runbook" run scan -p machines=bench 2>&1 \
        | grep -E "bench:|Elapsed|Maximum resident"
    hyperfine -N --runs 3 -n "find -printf (1,000,000 files)" "find $work/million/data -printf '%s\\n'"
fi

for table in full rescan cold dpkg; do
    [ -f "$work/$table.md" ] || continue
    echo
    sed "s|$bin/||g; s|$work|BENCH|g" "$work/$table.md"
done
