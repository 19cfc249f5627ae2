#!/usr/bin/env bash
# Keeps schemas/ honest: every shipped runbook and valid fixture passes the runbook schema,
# every invalid fixture fails it, and the Contoso automation file passes its schema.
# Needs check-jsonschema: scripts/install-test-tools.sh puts it in .build-venv.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.build-venv/bin:$PATH"

fixtures=Tests/AutomationTests/Fixtures
check-jsonschema --check-metaschema schemas/runbook.schema.json schemas/automation.schema.json schemas/json/*.schema.json
check-jsonschema --schemafile schemas/runbook.schema.json runbooks/*.yaml "$fixtures"/valid/*.yaml
check-jsonschema --schemafile schemas/automation.schema.json examples/contoso/automation.yaml

expect_refused() {
    local schema=$1
    shift
    for file in "$@"; do
        if check-jsonschema --schemafile "$schema" "$file" >/dev/null 2>&1; then
            echo "schema $schema accepted $file, which the loader refuses" >&2
            exit 1
        fi
        echo "refused as expected: $file"
    done
}
expect_refused schemas/runbook.schema.json "$fixtures"/invalid/*.yaml
expect_refused schemas/automation.schema.json "$fixtures"/automation-invalid/*.yaml
