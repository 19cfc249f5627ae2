#!/usr/bin/env bash
# Produces the figures in docs/PERFORMANCE.md. Needs hyperfine and GNU time
# (apt-get install hyperfine time) and PyYAML built with libyaml (pip install pyyaml).
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_DIR:-/tmp/runbook-bench}
rounds=${ROUNDS:-15}
rm -rf "$work" && mkdir -p "$work"

swift build -c release --product runbook-bench >/dev/null
swift build -c release --product runbook >/dev/null
bin=$(swift build -c release --show-bin-path)

echo "== Loading and validating 1,000 runbooks (median of $rounds interleaved rounds)"
"$bin/runbook-bench" generate "$work/corpus" 1000
wc -l "$work"/corpus/*.yaml | tail -1 | awk '{printf "corpus: 1000 files, %.0f lines each on average\n", $1/1000}'
"$bin/runbook-bench" load "$work/corpus" "$rounds"
python3 bench/pyyaml_load.py "$work/corpus" "$rounds"
echo "-- where the loader spends its time (cumulative stages)"
"$bin/runbook-bench" breakdown "$work/corpus" "$rounds"

echo
echo "== runbook run enable-tracking, whole process, default store (release build)"
export RUNBOOK_STORE="$work/store"
"$bin/runbook" run enable-tracking >/dev/null 2>&1   # first run creates the store
hyperfine --warmup 3 --runs 30 -N --export-markdown "$work/run.md" \
    "$bin/runbook --version" \
    "$bin/runbook run enable-tracking" \
    "$bin/runbook jobs list --limit 50" \
    "sqlite3 $work/store/automation.sqlite 'SELECT count(*) FROM job'"
sed "s|$bin/||g" "$work/run.md"
/usr/bin/time -v "$bin/runbook" run enable-tracking 2>&1 >/dev/null | grep -E "Maximum resident"
/usr/bin/time -v sqlite3 "$work/store/automation.sqlite" 'SELECT count(*) FROM job' 2>&1 >/dev/null | grep -E "Maximum resident" | sed 's/^/sqlite3 for scale: /'
