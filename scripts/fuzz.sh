#!/usr/bin/env bash
# Runs the mutation fuzzer over the loaders and the machine-folder parsers.
#   scripts/fuzz.sh                         # 2,000 cases, seed 1
#   scripts/fuzz.sh --cases 200000 --seed 7 # a longer run on demand
#   scripts/fuzz.sh --target reg            # one target
# A finding exits non-zero and leaves its input in .build/fuzz-last-input.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=.build/debug/runbook-fuzz
if [ ! -x "$binary" ]; then swift build --product runbook-fuzz; fi
exec "$binary" --corpus Fuzz/corpus "$@"
