#!/usr/bin/env bash
# Refreshes the README's portal images (docs/images/*.png) by running the portal's browser tests
# with RUNBOOK_DOC_IMAGES pointing there. `swift test` never writes them: it leaves its
# screenshots in a temporary folder. Needs the build (swift build) and the test tools
# (scripts/install-test-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNBOOK_DOC_IMAGES="$PWD/docs/images" RUNBOOK_BINARY="$PWD/.build/debug/runbook" \
    .build-venv/bin/python -m pytest -q -p no:cacheprovider Tests/python/test_portal.py
git status --short docs/images
