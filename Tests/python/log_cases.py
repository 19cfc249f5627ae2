"""Reads Tests/fixtures/log-queries.txt: the query cases both `runbook query` and the API answer.

A case is `=== name`, the query's lines, then `--- csv` and the expected CSV lines (header
first), or `--- error` and the expected first line of the error."""

import os
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = os.path.join(ROOT, "Tests", "fixtures", "log-queries.txt")


@dataclass
class Case:
    name: str
    query: str
    csv: list
    error: str


def load_cases(path=CASES):
    cases, current, section = [], None, None
    for line in open(path, encoding="utf-8").read().split("\n"):
        if line.startswith("=== "):
            current = {"name": line[4:].strip(), "query": [], "csv": [], "error": None}
            cases.append(current)
            section = "query"
        elif line == "--- csv" and current is not None:
            section = "csv"
        elif line == "--- error" and current is not None:
            section = "error"
        elif current is not None:
            if section == "query":
                current["query"].append(line)
            elif section == "csv" and line != "":
                current["csv"].append(line)
            elif section == "error" and line != "" and current["error"] is None:
                current["error"] = line
    return [Case(c["name"], "\n".join(c["query"]).strip("\n"), c["csv"], c["error"]) for c in cases]
