#!/usr/bin/env bash
# Issue 3's figures: scans of a generated 100,000-file tree against find|xargs sha256sum and
# AIDE, rescans, package inventory against dpkg-query, and the snapshot diff.
# Needs hyperfine, time and aide (apt-get install hyperfine time aide). Takes a few minutes
# and about 2 GB of disk under $BENCH_DIR (default /tmp/runbook-scan-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/runbook-scan-bench}
runs=${RUNS:-5}
swift build -c release >/dev/null
bin=$(swift build -c release --show-bin-path)
runbook="$bin/runbook"

if [ ! -d "$work/tree/data" ]; then
    mkdir -p "$work"
    "$bin/runbook-bench" tree-generate "$work/tree" 100000
fi
echo "tree: $(find "$work/tree/data" -type f | wc -l) files, $(du -sh "$work/tree/data" | cut -f1)"

# A store whose account has the extended profile (no 500-file cap) and one machine: the tree.
export RUNBOOK_STORE="$work/store"
rm -rf "$work/store" "$work/store-fresh" "$work/store-scanned"
"$runbook" init --account bench --subscription s --resource-group g --region EastUS2 \
    --workspace w --workspace-region EastUS --profile extended >/dev/null
"$runbook" machine register bench --os "Debian 12" --source "linux-root:$work/tree" --standard-rules \
    --location EastUS2 --subscription s >/dev/null
"$runbook" run enable-tracking -p machines=bench >/dev/null
"$runbook" run bench/bench-configure.yaml >/dev/null
cp -r "$work/store" "$work/store-fresh"
"$runbook" run scan -p machines=bench >/dev/null 2>&1
cp -r "$work/store" "$work/store-scanned"

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

echo
echo "== full scan (every file hashed), warm cache"
cat "$work/tree/data"/d1/* >/dev/null
hyperfine -N --runs "$runs" --warmup 1 --export-markdown "$work/full.md" \
    --prepare "sh -c 'rm -rf $work/store && cp -r $work/store-fresh $work/store'" \
    -n "runbook run scan (first scan)" "$runbook run scan -p machines=bench" \
    -n "find | xargs sha256sum (1 process)" "sh -c 'find $work/tree/data -type f -print0 | xargs -0 sha256sum >/dev/null'" \
    -n "find | xargs -P2 sha256sum (2 cores)" "sh -c 'find $work/tree/data -type f -print0 | xargs -0 -P2 -n 2000 sha256sum >/dev/null'" \
    -n "aide --init (sha256 only)" "aide --init -c $work/aide/aide.conf"

echo
echo "== rescan, nothing changed"
hyperfine -N --runs "$runs" --warmup 1 --export-markdown "$work/rescan.md" \
    --prepare "sh -c 'rm -rf $work/store && cp -r $work/store-scanned $work/store'" \
    -n "runbook run scan (rescan)" "$runbook run scan -p machines=bench" \
    -n "aide --check" "sh -c 'aide --check -c $work/aide/aide.conf >/dev/null; true'"

echo
echo "== rescan after 1% of the files changed (1,000 files)"
rm -rf "$work/store" && cp -r "$work/store-scanned" "$work/store"
for index in $(seq 0 100 99999); do printf 'x' >> "$work/tree/data/d$((index / 1000))/f$index"; done
"$runbook" run scan -p machines=bench 2>/dev/null | grep "bench:"

echo
echo "== package inventory of this host"
hyperfine -N --warmup 3 --export-markdown "$work/dpkg.md" \
    -n "runbook-bench dpkg (parse /var/lib/dpkg/status)" "$bin/runbook-bench dpkg x" \
    -n "dpkg-query -W" "dpkg-query -W"

echo
echo "== snapshot diff and SHA-256 ceiling"
/usr/bin/time -v "$bin/runbook-bench" diff x 1000000 2>&1 | grep -E "diff of|Maximum resident"
"$bin/runbook-bench" sha x
/usr/bin/time -v "$runbook" run scan -p machines=bench 2>&1 | grep -E "Maximum resident"

for table in full rescan dpkg; do echo; sed "s|$bin/||g; s|$work|BENCH|g" "$work/$table.md"; done
