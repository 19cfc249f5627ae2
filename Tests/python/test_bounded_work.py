"""Bounded work through the API (issue 20): a reader's costly queries and hostile bodies end
within their limits with a clear answer, and a contributor keeps being answered meanwhile."""

import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import uuid

import pytest

from conftest import ACCOUNT, RESOURCE_GROUP, SUBSCRIPTION, runbook, serve, stop
from test_arm_errors import AA, azure_error, raw, raw_response

# Grows a value to 1,000,000 characters, then runs a regex over it: one SQLite step that costs
# seconds; only the budget's deadline inside the regex stops it.
HEAVY = ('Heartbeat | take 1 | extend a="eeeeeeeeee" | extend b=replace_string(a,"e",a) '
         '| extend c=replace_string(b,"e",b) | extend d=replace_string(c,"e",b) '
         '| where d matches regex "e{0,1000}x" | count')


def serve_scanned(prefix):
    """`runbook serve` on a new store whose host was scanned once (the tables have rows)."""
    store = tempfile.mkdtemp(prefix=prefix)
    runbook(store, "run", "enable-tracking")
    runbook(store, "run", "scan")
    started = serve(store)
    started.workspace = json.loads(runbook(store, "account", "show", "--json").stdout)["workspaceId"]
    return started


@pytest.fixture(scope="module")
def bounded():
    started = serve_scanned("runbook-bounded-")
    yield started
    stop(started)


def query(server, token, text, wait=6):
    body = json.dumps({"query": text}).encode()
    return raw(server, "POST", f"/v1/workspaces/{server.workspace}/query", body=body, token=token,
               headers={"Content-Type": "application/json", "Prefer": f"wait={wait}"})


def test_a_reader_cannot_starve_a_contributor(bounded):
    reader = bounded.token("bounded-reader", role="reader")
    other_reader = bounded.token("bounded-reader-2", role="reader")
    contributor = bounded.token("bounded-contributor")
    answers = []

    def heavy(token):
        status, headers, data = raw_response(
            bounded, "POST", f"/v1/workspaces/{bounded.workspace}/query",
            body=json.dumps({"query": HEAVY}).encode(), token=token,
            headers={"Content-Type": "application/json", "Prefer": "wait=6"}, timeout=60)
        answers.append((token, status, headers, data))

    threads = [threading.Thread(target=heavy, args=(reader,)) for _ in range(6)]
    threads += [threading.Thread(target=heavy, args=(other_reader,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    # While readers hold every slot they may: the contributor's reads and its own query answer.
    for _ in range(10):
        assert raw(bounded, "GET", AA + "?api-version=2024-10-23", token=contributor)[0] == 200
    status, data = query(bounded, contributor, "Heartbeat | count", wait=30)
    assert status == 200, data
    for thread in threads:
        thread.join(timeout=120)
    refused = [a for a in answers if a[1] == 429]
    answered = [a for a in answers if a[1] == 200]
    # One token runs two at once; readers together three of the four slots.
    assert len(answered) == 3, [(a[1], a[3][:200]) for a in answers]
    assert len(refused) == 5
    for _, _, headers, data in refused:
        assert int(headers["Retry-After"]) >= 1
        assert "at once" in json.loads(data)["error"]["message"]
    for _, _, _, data in answered:
        # Partial: stopped at the time limit, with the rows found until then.
        assert json.loads(data).get("error", {}).get("code") == "PartialError", data[:300]


def test_deep_json_is_refused_naming_the_limit(bounded):
    contributor = bounded.token("bounded-json")
    deep = "[" * 500 + "]" * 500
    body = ('{"properties": {"runbook": {"name": "scan"}, "parameters": {"x": ' + ",".join([deep] * 20) + "}}}")
    status, data = raw(bounded, "PUT", AA + f"/jobs/{uuid.uuid4()}?api-version=2024-10-23", body=body.encode(),
                       token=contributor, headers={"Content-Type": "application/json"})
    assert status == 400
    assert "64 levels" in azure_error(data)["message"]


def test_many_parameters_are_refused_with_a_bounded_error(bounded):
    contributor = bounded.token("bounded-params")
    parameters = {f"p{index}": "v" for index in range(200_000)}
    body = json.dumps({"properties": {"runbook": {"name": "scan"}, "parameters": parameters}}).encode()
    status, data = raw(bounded, "PUT", AA + f"/jobs/{uuid.uuid4()}?api-version=2024-10-23", body=body,
                       token=contributor, headers={"Content-Type": "application/json"})
    assert status == 400
    assert len(data) < 64 * 1024
    assert "at most 1000" in azure_error(data)["message"]
    # Fewer, all unknown: the first few are named, the rest counted.
    parameters = {f"p{index}": "v" for index in range(900)}
    body = json.dumps({"properties": {"runbook": {"name": "scan"}, "parameters": parameters}}).encode()
    status, data = raw(bounded, "PUT", AA + f"/jobs/{uuid.uuid4()}?api-version=2024-10-23", body=body,
                       token=contributor, headers={"Content-Type": "application/json"})
    assert status == 400 and len(data) < 64 * 1024
    assert "more parameters it does not declare" in azure_error(data)["message"]


def test_a_value_past_its_cap_and_a_query_past_its_compile_budget(bounded):
    reader = bounded.token("bounded-values", role="reader")
    status, data = query(bounded, reader, 'Heartbeat | extend a="ab"' + " | extend a=strcat(a,a)" * 40
                         + " | project strlen(a)")
    assert status == 400 and "1 MiB, the limit on one value" in json.dumps(json.loads(data))
    text = "let x0 = Heartbeat;\n" + "".join(f"let x{i} = x{i-1} | union x{i-1};\n" for i in range(1, 41)) + "x40 | count"
    status, data = query(bounded, reader, text)
    assert status == 400 and "compile budget" in json.dumps(json.loads(data))


def test_sigterm_ends_the_server_while_a_query_runs():
    started = serve_scanned("runbook-sigterm-")
    reader = started.token("sigterm-reader", role="reader")
    thread = threading.Thread(target=lambda: _swallow(lambda: query(started, reader, HEAVY, wait=600)))
    thread.start()
    time.sleep(1.0)
    started.process.send_signal(signal.SIGTERM)
    # Without cancellation the query would hold the process for its 600 s.
    started.process.wait(timeout=60)
    thread.join(timeout=60)
    stop(started)


def _swallow(call):
    try:
        call()
    except Exception:  # the connection closes as the server stops
        pass
