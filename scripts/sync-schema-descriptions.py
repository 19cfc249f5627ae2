#!/usr/bin/env python3
"""Copies the action inputs' descriptions from docs/RUNBOOKS.md (written from the action catalog
by `runbook actions --markdown`) into schemas/runbook.schema.json, so editors show the same help.
SchemaDriftTests fails when the two differ; run this after changing an input's help:

    .build/debug/runbook actions --markdown > docs/RUNBOOKS.md && scripts/sync-schema-descriptions.py
"""
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFS = {
    "enable-tracking": "enablementInputs", "disable-tracking": "enablementInputs",
    "configure-tracking": "configurationInputs", "scan": "scanInputs",
    "assert-no-changes": "assertionInputs", "report-changes": "reportInputs", "log": "logInputs",
}


def rows(markdown):
    action = None
    for line in markdown.splitlines():
        heading = re.match(r"^## `(.+)`$", line)
        if heading:
            action = heading.group(1)
            continue
        cells = re.match(r"^\| `([^`]+)` \| .* \| (yes|no) \| (.*) \|$", line)
        if action and cells:
            yield action, cells.group(1), cells.group(3).replace("\\|", "|")


def container(schema, node):
    """The object schema whose `properties` hold the fields of `node` (following $ref and anyOf)."""
    if "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    if "properties" in node:
        return node
    if "items" in node:
        return container(schema, node["items"])
    for branch in node.get("anyOf", []):
        if "properties" in branch or "items" in branch:
            return container(schema, branch)
    sys.exit(f"no object schema under {node}")


def main():
    schema_path = ROOT / "schemas/runbook.schema.json"
    schema = json.loads(schema_path.read_text())
    for action, path, description in rows((ROOT / "docs/RUNBOOKS.md").read_text()):
        node = schema["$defs"][DEFS[action]]
        parts = re.split(r"\[\]\.|\.", path)
        for part in parts[:-1]:
            node = container(schema, node)["properties"][part]
        container(schema, node)["properties"][parts[-1]]["description"] = description
    schema_path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")


main()
