#!/usr/bin/env bash
# Runs the mutation fuzzer over the loaders, the machine-folder parsers, KQL queries and the
# API's request bodies (Fuzz/README.md).
#   scripts/fuzz.sh                         # 2,000 cases, seed 1
#   scripts/fuzz.sh --cases 200000 --seed 7 # a longer run on demand
#   scripts/fuzz.sh --target reg            # one target
#   scripts/fuzz.sh --target kql --replay .build/fuzz-last-input   # one input again
# A finding exits non-zero (2: a hang, 3: a memory blow-up, a signal: a trap) and leaves its
# input in .build/fuzz-last-input, and the command that replays it in .build/fuzz-last-input.case.
set -euo pipefail
cd "$(dirname "$0")/.."
binary=.build/debug/runbook-fuzz
if [ ! -x "$binary" ]; then swift build --product runbook-fuzz; fi
exec "$binary" --corpus Fuzz/corpus "$@"
