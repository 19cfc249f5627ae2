"""Every ARM response of `runbook serve`, recorded and compared byte for byte.

The ARM responses are a contract: Azure's SDKs (azure-mgmt-automation, azure-monitor-query),
the Azure CLI and the portal read their status codes, headers and bodies as Azure writes them,
so a refactor of the server's routing or request decoding must not change a byte of them. This
test sends one fixed scenario of raw HTTPS requests to a real `runbook serve` on a fresh store,
covering every operation of schemas/openapi.json with its successes and its errors (api-version,
tokens, roles, 404s, 405s, bad bodies, paging, $filter, drafts and publishing, jobs and their
streams, stop/suspend/resume, schedules, job schedules, Log Analytics queries, healthz), and
compares each exchange with Tests/python/recorded/arm/exchanges.json.

Only what legitimately changes from run to run is normalized, deterministically:
- a GUID the server makes (operation ids, the workspace id) becomes `<guid-N>`, numbered in
  order of first appearance (the same GUID is the same placeholder); the subscription and the
  ids the scenario picks itself (its jobs, job schedules, unknown workspace...) stay as they are;
- `x-ms-request-id` (a new GUID per response) becomes `<request-id>` when it is a GUID;
- an ISO 8601 time within a day of the run becomes `<time>` (fixed times such as a schedule's
  2040 start or Azure's 9999 expiry stay as they are);
- the server's address becomes `<base>`, a bearer token the test made `<token>`;
- the time a suspended wait had left and a query's execution times become `<duration>`.
Bodies are otherwise compared as sent: never re-serialized, so key order and whitespace count.
Date, Server and Content-Length are not recorded; every other response header is, in order.
Whatever takes time (a job running, a suspend taking effect) is waited for by polling, unrecorded,
before the next recorded request, so each run sends the same requests in the same states.

    RUNBOOK_RECORD_ARM=1 pytest Tests/python/test_arm_recorded.py   # (re)writes the recording
    pytest Tests/python/test_arm_recorded.py                        # compares with it
"""

import datetime
import difflib
import http.client
import json
import os
import re
import ssl
import tempfile
import time
import urllib.parse

from conftest import ACCOUNT, RESOURCE_GROUP, ROOT, SUBSCRIPTION, runbook, serve, stop

RECORDING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "recorded", "arm", "exchanges.json")
OPENAPI = os.path.join(ROOT, "schemas", "openapi.json")
RECORD = os.environ.get("RUNBOOK_RECORD_ARM") == "1"

VERSION = "api-version=2024-10-23"
GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.Automation"
AA = f"{GROUP}/automationAccounts/{ACCOUNT}"

# The scenario's own ids: fixed, so they stay readable in the recording.
JOB_HELLO = "10000000-0000-4000-8000-000000000001"
JOB_AGAIN = "10000000-0000-4000-8000-000000000002"
JOB_FAIL = "10000000-0000-4000-8000-000000000003"
JOB_PAUSE = "10000000-0000-4000-8000-000000000004"
JOB_MANY = "10000000-0000-4000-8000-000000000005"
JOB_REFUSED = "10000000-0000-4000-8000-0000000000ff"
LINK = "20000000-0000-4000-8000-000000000001"
LINK_REFUSED = "20000000-0000-4000-8000-0000000000ff"
OPERATION = "30000000-0000-4000-8000-000000000001"
OTHER_SUBSCRIPTION = "11111111-1111-1111-1111-111111111111"
NO_WORKSPACE = "00000000-0000-0000-0000-00000000beef"
FIXED_GUIDS = {SUBSCRIPTION, OTHER_SUBSCRIPTION, NO_WORKSPACE, OPERATION, LINK, LINK_REFUSED,
               JOB_HELLO, JOB_HELLO.upper(), JOB_AGAIN, JOB_FAIL, JOB_PAUSE, JOB_MANY, JOB_REFUSED}

# Small, so that one query of the scenario gets a partial result.
QUERY_ROW_LIMIT = 6
NOT_RECORDED_HEADERS = {"date", "server", "content-length"}
TERMINAL = {"Completed", "Failed", "Stopped"}

HELLO = """name: rec-hello
parameters:
  target: { type: string, required: true }
  attempt: { type: int, default: 1 }
steps:
  - name: greet
    action: log
    with: { message: "hello ${{ params.target }}" }
  - name: check
    action: log
    with: { message: "checked ${{ params.target }}", stream: Warning }
"""
FAIL = """name: rec-fail
parameters:
  seconds: { type: int, default: 100000 }
steps:
  - name: before
    action: log
    with: { message: "about to fail" }
  - name: too-long
    action: wait
    with: { seconds: "${{ params.seconds }}" }
"""
PAUSE = """name: rec-pause
logVerbose: true
logProgress: true
steps:
  - name: before
    action: log
    with: { message: "before the pause" }
  - name: pause
    action: wait
    with: { seconds: 30 }
  - name: after
    action: log
    with: { message: "after the pause" }
"""
MANY = "name: rec-many\nsteps:\n" + "".join(
    f"  - {{ name: line{i:03}, action: log, with: {{ message: \"line {i:03}\" }} }}\n" for i in range(105))


# --- Normalizing ----------------------------------------------------------------------------

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}|%2B\d{2}(?::|%3A)\d{2})?")
DURATIONS = [
    # What a suspended wait had left: it depends on when the suspend was seen.
    (re.compile(r"(waits the |Waiting the )(?:\d+[dhms])+(?:\d+ms)?|(waits the |Waiting the )\d+ms"),
     lambda m: (m.group(1) or m.group(2)) + "<duration>"),
    # A query's statistics: how long it took.
    (re.compile(r'"(executionTime|compileTime)":[0-9.eE+-]+'), lambda m: f'"{m.group(1)}":<duration>'),
]


class Normalizer:
    """Turns what legitimately changes per run into placeholders, in order of appearance."""

    def __init__(self, base, started, tokens):
        self.base = base
        self.tokens = [token for token in tokens if token.startswith("rbk_")]
        self.host = base.split("//", 1)[1]
        self.window = (started - datetime.timedelta(days=1), started + datetime.timedelta(days=1))
        self.guids = {}

    def guid(self, match):
        text = match.group(0)
        if text in FIXED_GUIDS:
            return text
        return self.guids.setdefault(text, f"<guid-{len(self.guids) + 1}>")

    def time(self, match):
        text = match.group(0)
        plain = text.replace("%2B", "+").replace("%3A", ":").replace("Z", "+00:00")
        # Python reads at most 6 fraction digits; a 7th (as .NET writes) says nothing of the day.
        plain = re.sub(r"(\.\d{6})\d+", r"\1", plain)
        try:
            moment = datetime.datetime.fromisoformat(plain)
        except ValueError:
            return text
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        return "<time>" if self.window[0] <= moment <= self.window[1] else text

    def __call__(self, text):
        text = text.replace(self.base, "<base>").replace(self.host, "<base>")
        for token in self.tokens:
            text = text.replace(token, "<token>")
        text = TIME.sub(self.time, text)
        text = GUID.sub(self.guid, text)
        for pattern, replacement in DURATIONS:
            text = pattern.sub(replacement, text)
        return text


# --- Sending and recording ------------------------------------------------------------------

class Session:
    """Sends raw requests to the server; records each (normalized) unless told not to."""

    def __init__(self, server, tokens):
        self.server = server
        self.tokens = tokens
        self.normalize = Normalizer(server.url, datetime.datetime.now(datetime.timezone.utc), tokens.values())
        self.exchanges = []
        host, port = server.url.split("//")[1].split(":")
        self.address = (host, int(port))
        self.context = ssl.create_default_context(cafile=server.certificate)

    def send(self, step, method, path, body=None, auth="contributor", headers=None, record=True,
             shown_body=None):
        """One request on its own connection; returns (status, headers, body text), unnormalized.

        `body` is JSON (a dict or list), text or bytes; `auth` names a token of `self.tokens`, or
        None for no Authorization header; `shown_body` stands in the recording for a body that is
        not text (not UTF-8, or megabytes)."""
        sent = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
            sent.setdefault("Content-Type", "application/json")
        data = body.encode("utf-8") if isinstance(body, str) else body
        wire = dict(sent)
        if auth is not None:
            wire["Authorization"] = f"Bearer {self.tokens[auth]}"
        connection = http.client.HTTPSConnection(*self.address, context=self.context, timeout=60)
        try:
            connection.request(method, path, body=data, headers=wire)
            response = connection.getresponse()
            raw = response.read()
            status, received = response.status, response.getheaders()
        finally:
            connection.close()
        text = raw.decode("utf-8")
        if record:
            n = self.normalize
            if shown_body is None and data is not None:
                shown_body = n(data.decode("utf-8"))
            self.exchanges.append({
                "step": step,
                "method": method,
                "path": n(path),
                "auth": auth,
                "requestHeaders": {name: n(value) for name, value in sent.items()},
                "requestBody": shown_body,
                "status": status,
                "headers": [[name, self.header(name, value)] for name, value in received
                            if name.lower() not in NOT_RECORDED_HEADERS],
                "body": n(text),
            })
        return status, dict(received), text

    def header(self, name, value):
        """A response header as recorded."""
        if name.lower() == "x-ms-request-id" and GUID.fullmatch(value):
            return "<request-id>"
        return self.normalize(value)

    def job(self, job_id):
        """A job's properties, read without recording (polls vary in number)."""
        status, _, text = self.send("poll", "GET", f"{AA}/jobs/{job_id}?{VERSION}", record=False)
        assert status == 200, text
        return json.loads(text)["properties"]

    def wait_job(self, job_id, statuses, stream_text=None, seconds=30):
        """Polls (unrecorded) until the job's status is one of `statuses` and, if given, one of its
        stream records says `stream_text`."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            properties = self.job(job_id)
            if properties["status"] in statuses and (stream_text is None or stream_text in self.streams(job_id)):
                return properties
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} is {properties['status']}, not in {statuses}; streams: "
                             f"{self.streams(job_id)!r} (waited for {stream_text!r})")

    def streams(self, job_id):
        """The summaries of a job's first page of stream records, read without recording."""
        status, _, text = self.send("poll", "GET", f"{AA}/jobs/{job_id}/streams?{VERSION}", record=False)
        assert status == 200, text
        return " | ".join(item["properties"]["summary"] for item in json.loads(text)["value"])


def location(headers):
    """Where a 202 says to poll (relative to the server, as Azure's ARMPolling joins it)."""
    return headers["Location"]


def job_schedule(schedule, runbook_name, **properties):
    """A job schedule's body: a runbook linked to a schedule."""
    return {"properties": {"schedule": {"name": schedule}, "runbook": {"name": runbook_name}, **properties}}


def quote(text):
    """A query parameter's value, percent-encoded as Azure's clients send $filter."""
    return urllib.parse.quote(text, safe="")


# --- The scenario ---------------------------------------------------------------------------

def scenario(s, workspace):
    """The fixed sequence of requests; `s.send` records each."""
    send = s.send

    # The service's own routes: no api-version, no token.
    send("healthz", "GET", "/healthz", auth=None)
    send("healthz with a token", "GET", "/healthz")
    send("healthz: method not allowed", "POST", "/healthz", auth=None)
    send("openapi document", "GET", "/openapi.json", auth=None)

    # api-version and tokens.
    send("account", "GET", f"{AA}?{VERSION}")
    send("account: client request id echoed", "GET", f"{AA}?{VERSION}",
         headers={"x-ms-client-request-id": "rec-client-request-1"})
    send("account: no api-version", "GET", AA)
    send("account: unsupported api-version", "GET", f"{AA}?api-version=2000-01-01")
    send("account: older api-version", "GET", f"{AA}?api-version=2015-10-31")
    send("account: no token", "GET", f"{AA}?{VERSION}", auth=None)
    send("account: not a bearer header", "GET", f"{AA}?{VERSION}", auth=None,
         headers={"Authorization": "Basic dXNlcjpwYXNz"})
    send("account: not a runbook token", "GET", f"{AA}?{VERSION}", auth="garbage")
    send("account: unknown token", "GET", f"{AA}?{VERSION}", auth="unknown")
    send("account: revoked token", "GET", f"{AA}?{VERSION}", auth="revoked")
    send("account: reader reads", "GET", f"{AA}?{VERSION}", auth="reader")
    send("account: lowercase literals", "GET",
         f"/subscriptions/{SUBSCRIPTION}/resourcegroups/{RESOURCE_GROUP}/providers/microsoft.automation"
         f"/automationaccounts/{ACCOUNT}?{VERSION}")
    send("account: unknown", "GET", f"{GROUP}/automationAccounts/no-such-account?{VERSION}")
    send("account: unknown resource group", "GET",
         f"/subscriptions/{SUBSCRIPTION}/resourceGroups/no-such-group/providers/Microsoft.Automation"
         f"/automationAccounts/{ACCOUNT}?{VERSION}")
    send("unknown API path", "GET", f"{AA}/variables?{VERSION}")
    send("unknown API path at the root", "GET", "/nothing-here")
    send("path: encoded separator", "GET", f"{AA}/runbooks/a%2Fb?{VERSION}")
    send("path: dot-dot", "GET", f"{AA}/runbooks/%2E%2E?{VERSION}")
    send("path: escaping", "GET", f"{AA}/runbooks/..%2F..%2Fetc?{VERSION}")
    send("path: bad percent-encoding", "GET", f"{AA}/runbooks/%FF%FE?{VERSION}")
    send("path: control character", "GET", f"{AA}/runbooks/a%07b?{VERSION}")
    send("account: method not allowed", "DELETE", f"{AA}?{VERSION}")

    # Accounts.
    second = f"{GROUP}/automationAccounts/rec-second?{VERSION}"
    send("account create: reader", "PUT", second, {"location": "westeurope"}, auth="reader")
    send("account create: no location", "PUT", second, {"properties": {}})
    send("account create: location not a string", "PUT", second, {"location": 7})
    send("account create: not JSON", "PUT", second, "{location", headers={"Content-Type": "application/json"})
    send("account create: a JSON array", "PUT", second, [])
    send("account create: unknown region", "PUT", second, {"location": "marsnorth"})
    send("account create", "PUT", second, {"location": "westeurope", "tags": {"extra": "field"},
                                           "properties": {"sku": {"name": "Basic"}, "unknown": True}})
    send("account create again", "PUT", second, {"location": "westeurope"})
    send("account get second", "GET", second)
    send("accounts of the resource group", "GET", f"{GROUP}/automationAccounts?{VERSION}")
    send("accounts of the subscription", "GET",
         f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Automation/automationAccounts?{VERSION}")
    send("accounts of another subscription", "GET",
         f"/subscriptions/{OTHER_SUBSCRIPTION}/providers/Microsoft.Automation"
         f"/automationAccounts?{VERSION}")
    send("accounts: no api-version", "GET", f"{GROUP}/automationAccounts")

    # Runbooks: create, draft, publish.
    hello = f"{AA}/runbooks/rec-hello"
    send("runbook create: reader", "PUT", f"{hello}?{VERSION}", {"properties": {"runbookType": "Yaml"}},
         auth="reader")
    send("runbook create: no runbookType", "PUT", f"{hello}?{VERSION}", {"properties": {"description": "x"}})
    send("runbook create: runbookType not a string", "PUT", f"{hello}?{VERSION}", {"properties": {"runbookType": 1}})
    send("runbook create: PowerShell", "PUT", f"{hello}?{VERSION}", {"properties": {"runbookType": "PowerShell"}})
    send("runbook create: not JSON", "PUT", f"{hello}?{VERSION}", "not json",
         headers={"Content-Type": "application/json"})
    send("runbook create: empty body", "PUT", f"{hello}?{VERSION}", "",
         headers={"Content-Type": "application/json"})
    send("runbook create", "PUT", f"{hello}?{VERSION}",
         {"location": "eastus2", "properties": {"runbookType": "Yaml", "description": "recorded",
                                                "logProgress": False, "logVerbose": "false"}})
    send("runbook update with extra fields", "PUT", f"{hello}?{VERSION}",
         {"location": "eastus2", "name": "rec-hello", "tags": {"a": "b"},
          "properties": {"runbookType": "Yaml", "description": "recorded again", "logActivityTrace": 1,
                         "publishContentLink": {"uri": "https://example.invalid/x"}, "unknownField": [1, 2]}})
    send("runbook get (new)", "GET", f"{hello}?{VERSION}")
    send("runbook draft (none yet)", "GET", f"{hello}/draft?{VERSION}")
    send("runbook draft content (none yet)", "GET", f"{hello}/draft/content?{VERSION}")
    send("runbook content (unpublished)", "GET", f"{hello}/content?{VERSION}")
    send("runbook publish (no draft)", "POST", f"{hello}/publish?{VERSION}")
    send("draft content: reader", "PUT", f"{hello}/draft/content?{VERSION}", HELLO,
         headers={"Content-Type": "text/plain"}, auth="reader")
    send("draft content: unknown action", "PUT", f"{hello}/draft/content?{VERSION}",
         "name: rec-hello\nsteps:\n  - { name: a, action: lgo }\n", headers={"Content-Type": "text/plain"})
    send("draft content: not YAML", "PUT", f"{hello}/draft/content?{VERSION}", "steps: [unclosed",
         headers={"Content-Type": "text/plain"})
    send("draft content: not UTF-8", "PUT", f"{hello}/draft/content?{VERSION}", b"name: \xff\xfe\n",
         headers={"Content-Type": "text/plain"}, shown_body="name: \\xff\\xfe\\n (bytes)")
    send("draft content: too large", "PUT", f"{hello}/draft/content?{VERSION}",
         b"x" * (4 * 1024 * 1024 + 1), headers={"Content-Type": "text/plain"},
         shown_body="<4 MiB + 1 bytes of 'x'>")
    send("draft content: runbook unknown", "PUT", f"{AA}/runbooks/no-such-runbook/draft/content?{VERSION}",
         HELLO, headers={"Content-Type": "text/plain"})
    _, headers, _ = send("draft content", "PUT", f"{hello}/draft/content?{VERSION}", HELLO,
                         headers={"Content-Type": "text/plain"})
    send("draft operation result", "GET", location(headers))
    send("draft operation result: reader", "GET", location(headers), auth="reader")
    send("runbook draft", "GET", f"{hello}/draft?{VERSION}")
    send("runbook draft content", "GET", f"{hello}/draft/content?{VERSION}")
    send("job create: runbook not published", "PUT", f"{AA}/jobs/{JOB_REFUSED}?{VERSION}",
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {"target": "x"}}})
    send("runbook publish: reader", "POST", f"{hello}/publish?{VERSION}", auth="reader")
    _, headers, _ = send("runbook publish", "POST", f"{hello}/publish?{VERSION}")
    send("publish operation result", "GET", location(headers))
    send("runbook operation result: any id", "GET",
         f"{hello}/operationResults/{OPERATION}?{VERSION}")
    send("runbook operation result: runbook unknown", "GET",
         f"{AA}/runbooks/no-such-runbook/operationResults/{OPERATION}?{VERSION}")
    send("draft operation result: runbook unknown", "GET",
         f"{AA}/runbooks/no-such-runbook/draft/operationResults/{OPERATION}?{VERSION}")
    send("runbook get (published)", "GET", f"{hello}?{VERSION}")
    send("runbook content", "GET", f"{hello}/content?{VERSION}")
    send("runbook draft (published, no newer draft)", "GET", f"{hello}/draft?{VERSION}")
    send("runbook draft content (the published one)", "GET", f"{hello}/draft/content?{VERSION}")
    send("runbook get: unknown", "GET", f"{AA}/runbooks/no-such-runbook?{VERSION}")
    send("runbook get: a near name", "GET", f"{AA}/runbooks/rec-helo?{VERSION}")
    send("runbook content: unknown", "GET", f"{AA}/runbooks/no-such-runbook/content?{VERSION}")
    send("runbook draft: unknown", "GET", f"{AA}/runbooks/no-such-runbook/draft?{VERSION}")
    send("runbook: method not allowed", "PATCH", f"{hello}?{VERSION}", {"properties": {}})
    send("runbook: other account", "GET", f"{GROUP}/automationAccounts/no-such-account/runbooks/rec-hello?{VERSION}")

    for name, content, verbose in (("rec-fail", FAIL, False), ("rec-pause", PAUSE, True), ("rec-many", MANY, False)):
        send(f"{name}: create", "PUT", f"{AA}/runbooks/{name}?{VERSION}",
             {"properties": {"runbookType": "Yaml", "description": name, "logVerbose": verbose}})
        _, headers, _ = send(f"{name}: draft", "PUT", f"{AA}/runbooks/{name}/draft/content?{VERSION}", content,
                             headers={"Content-Type": "text/plain"})
        send(f"{name}: draft done", "GET", location(headers))
        _, headers, _ = send(f"{name}: publish", "POST", f"{AA}/runbooks/{name}/publish?{VERSION}")
        send(f"{name}: publish done", "GET", location(headers))

    # Jobs: refusals first (none of them creates a job).
    refused = f"{AA}/jobs/{JOB_REFUSED}?{VERSION}"
    send("job create: reader", "PUT", refused,
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {"target": "x"}}}, auth="reader")
    send("job create: no token", "PUT", refused,
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {"target": "x"}}}, auth=None)
    send("job create: not JSON", "PUT", refused, "not json", headers={"Content-Type": "application/json"})
    send("job create: no runbook", "PUT", refused, {"properties": {"parameters": {}}})
    send("job create: runbook name not a string", "PUT", refused, {"properties": {"runbook": {"name": 3}}})
    send("job create: unknown runbook", "PUT", refused,
         {"properties": {"runbook": {"name": "no-such-runbook"}, "parameters": {}}})
    send("job create: parameters not an object", "PUT", refused,
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": ["target"]}})
    send("job create: parameter of a wrong type", "PUT", refused,
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {"target": ["a", "b"]}}})
    send("job create: unknown parameter", "PUT", refused,
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {"target": "x", "tagret": "y"}}})
    send("job create: missing parameter", "PUT", refused,
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {}}})
    send("job create: parameter not an int", "PUT", refused,
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {"target": "x", "attempt": "many"}}})
    send("job create: runOn not a group name", "PUT", refused,
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {"target": "x"}, "runOn": "no such/group"}})
    send("job create: name not a GUID", "PUT", f"{AA}/jobs/not-a-guid?{VERSION}",
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {"target": "x"}}})
    send("job create: other account", "PUT", f"{GROUP}/automationAccounts/no-such-account/jobs/{JOB_REFUSED}?{VERSION}",
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {"target": "x"}}})
    send("jobs: none yet", "GET", f"{AA}/jobs?{VERSION}")

    # A job that completes: the job, its output, content and streams once it finished.
    send("job create", "PUT", f"{AA}/jobs/{JOB_HELLO}?{VERSION}",
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {"target": "web01", "attempt": 2},
                         "runOn": "", "extra": {"ignored": True}}})
    s.wait_job(JOB_HELLO, TERMINAL)
    send("job create: the same name again", "PUT", f"{AA}/jobs/{JOB_HELLO}?{VERSION}",
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {"target": "web01"}}})
    send("job get", "GET", f"{AA}/jobs/{JOB_HELLO}?{VERSION}")
    send("job get: reader", "GET", f"{AA}/jobs/{JOB_HELLO}?{VERSION}", auth="reader")
    send("job get: uppercase name", "GET", f"{AA}/jobs/{JOB_HELLO.upper()}?{VERSION}")
    send("job output", "GET", f"{AA}/jobs/{JOB_HELLO}/output?{VERSION}")
    send("job runbook content", "GET", f"{AA}/jobs/{JOB_HELLO}/runbookContent?{VERSION}")
    send("job streams", "GET", f"{AA}/jobs/{JOB_HELLO}/streams?{VERSION}")
    send("job streams: Warning only", "GET",
         f"{AA}/jobs/{JOB_HELLO}/streams?{VERSION}&$filter=" + quote("properties/streamType eq 'Warning'"))
    send("job streams: Any", "GET",
         f"{AA}/jobs/{JOB_HELLO}/streams?{VERSION}&$filter=" + quote("properties/streamType eq 'Any'"))
    send("job streams: not Output", "GET",
         f"{AA}/jobs/{JOB_HELLO}/streams?{VERSION}&$filter=" + quote("properties/streamType ne 'Output'"))
    send("job streams: since a time", "GET",
         f"{AA}/jobs/{JOB_HELLO}/streams?{VERSION}&$filter=" + quote("properties/time ge 2020-01-01T00:00:00Z"))
    send("job streams: unknown stream type", "GET",
         f"{AA}/jobs/{JOB_HELLO}/streams?{VERSION}&$filter=" + quote("properties/streamType eq 'Loud'"))
    send("job streams: unknown field", "GET",
         f"{AA}/jobs/{JOB_HELLO}/streams?{VERSION}&$filter=" + quote("properties/colour eq 'red'"))
    send("job stream", "GET", f"{AA}/jobs/{JOB_HELLO}/streams/{JOB_HELLO}:00000000000000000002?{VERSION}")
    send("job stream: unknown", "GET", f"{AA}/jobs/{JOB_HELLO}/streams/{JOB_HELLO}:00000000000000009999?{VERSION}")
    send("job stream: of an unknown job", "GET",
         f"{AA}/jobs/{JOB_REFUSED}/streams/{JOB_REFUSED}:00000000000000000001?{VERSION}")
    send("job get: unknown", "GET", f"{AA}/jobs/{JOB_REFUSED}?{VERSION}")
    send("job output: unknown", "GET", f"{AA}/jobs/{JOB_REFUSED}/output?{VERSION}")
    send("job runbook content: unknown", "GET", f"{AA}/jobs/{JOB_REFUSED}/runbookContent?{VERSION}")
    send("job streams: unknown job", "GET", f"{AA}/jobs/{JOB_REFUSED}/streams?{VERSION}")
    send("job: method not allowed", "DELETE", f"{AA}/jobs/{JOB_HELLO}?{VERSION}")
    send("job stop: finished", "POST", f"{AA}/jobs/{JOB_HELLO}/stop?{VERSION}")
    send("job suspend: finished", "POST", f"{AA}/jobs/{JOB_HELLO}/suspend?{VERSION}")
    send("job resume: finished", "POST", f"{AA}/jobs/{JOB_HELLO}/resume?{VERSION}")
    send("job stop: reader", "POST", f"{AA}/jobs/{JOB_HELLO}/stop?{VERSION}", auth="reader")
    send("job stop: unknown", "POST", f"{AA}/jobs/{JOB_REFUSED}/stop?{VERSION}")
    send("job suspend: unknown", "POST", f"{AA}/jobs/{JOB_REFUSED}/suspend?{VERSION}")
    send("job resume: unknown", "POST", f"{AA}/jobs/{JOB_REFUSED}/resume?{VERSION}")

    send("job create: second", "PUT", f"{AA}/jobs/{JOB_AGAIN}?{VERSION}",
         {"properties": {"runbook": {"name": "rec-hello"}, "parameters": {"target": "db01"}}})
    s.wait_job(JOB_AGAIN, TERMINAL)
    send("job output: second", "GET", f"{AA}/jobs/{JOB_AGAIN}/output?{VERSION}")

    # A job that fails at run time.
    send("job create: fails", "PUT", f"{AA}/jobs/{JOB_FAIL}?{VERSION}",
         {"properties": {"runbook": {"name": "rec-fail"}, "parameters": {}}})
    s.wait_job(JOB_FAIL, TERMINAL)
    send("job get: failed", "GET", f"{AA}/jobs/{JOB_FAIL}?{VERSION}")
    send("job output: failed", "GET", f"{AA}/jobs/{JOB_FAIL}/output?{VERSION}")
    send("job streams: failed", "GET", f"{AA}/jobs/{JOB_FAIL}/streams?{VERSION}")

    # Suspend in the middle of a wait, resume, stop: each waited for, so each is seen at one place.
    pause = f"{AA}/jobs/{JOB_PAUSE}"
    send("job create: pause", "PUT", f"{pause}?{VERSION}", {"properties": {"runbook": {"name": "rec-pause"}}})
    # Once the wait has begun (it says so in its Verbose stream): the suspend lands inside it.
    s.wait_job(JOB_PAUSE, {"Running"}, stream_text="Waiting 30s")
    send("job suspend", "POST", f"{pause}/suspend?{VERSION}")
    s.wait_job(JOB_PAUSE, {"Suspended"})
    send("job get: suspended", "GET", f"{pause}?{VERSION}")
    send("job suspend: already suspended", "POST", f"{pause}/suspend?{VERSION}")
    send("job resume: reader", "POST", f"{pause}/resume?{VERSION}", auth="reader")
    send("job resume", "POST", f"{pause}/resume?{VERSION}")
    s.wait_job(JOB_PAUSE, {"Running"}, stream_text="left of 30s")
    send("job stop", "POST", f"{pause}/stop?{VERSION}")
    s.wait_job(JOB_PAUSE, TERMINAL)
    send("job get: stopped", "GET", f"{pause}?{VERSION}")
    send("job streams: stopped", "GET", f"{pause}/streams?{VERSION}")
    send("job output: stopped", "GET", f"{pause}/output?{VERSION}")
    send("job stop: already stopped", "POST", f"{pause}/stop?{VERSION}")
    send("job resume: stopped", "POST", f"{pause}/resume?{VERSION}")

    # A job with more stream records than a page holds.
    send("job create: many lines", "PUT", f"{AA}/jobs/{JOB_MANY}?{VERSION}",
         {"properties": {"runbook": {"name": "rec-many"}, "parameters": {}}})
    s.wait_job(JOB_MANY, TERMINAL)
    _, _, text = send("job streams: first page", "GET", f"{AA}/jobs/{JOB_MANY}/streams?{VERSION}")
    send("job streams: next page", "GET", json.loads(text)["nextLink"])
    _, _, text = send("job streams: Output, first page", "GET",
                      f"{AA}/jobs/{JOB_MANY}/streams?{VERSION}&$filter=" + quote("properties/streamType eq 'Output'"))
    send("job streams: Output, next page", "GET", json.loads(text)["nextLink"])
    send("job streams: skiptoken not a number", "GET", f"{AA}/jobs/{JOB_MANY}/streams?{VERSION}&$skiptoken=abc")

    # The job list: paging with $top and nextLink, and $filter.
    jobs = f"{AA}/jobs?{VERSION}"
    send("jobs", "GET", jobs)
    send("jobs: reader", "GET", jobs, auth="reader")
    link = f"{jobs}&$top=2"
    page = 1
    while link:
        _, _, text = send(f"jobs: $top=2, page {page}", "GET", link)
        link, page = json.loads(text).get("nextLink"), page + 1
    send("jobs: $top=100", "GET", f"{jobs}&$top=100")
    send("jobs: $top=0", "GET", f"{jobs}&$top=0")
    send("jobs: $top=101", "GET", f"{jobs}&$top=101")
    send("jobs: $top not a number", "GET", f"{jobs}&$top=two")
    send("jobs: $skiptoken not ours", "GET", f"{jobs}&$skiptoken=abc")
    send("jobs: $filter runbook", "GET", f"{jobs}&$filter=" + quote("properties/runbook/name eq 'rec-hello'"))
    send("jobs: $filter runbook and status", "GET", f"{jobs}&$filter=" + quote(
        "properties/runbook/name eq 'rec-hello' and properties/status eq 'Completed'"))
    send("jobs: $filter status ne", "GET", f"{jobs}&$filter=" + quote("properties/status ne 'Completed'"))
    send("jobs: $filter with $top", "GET",
         f"{jobs}&$top=1&$filter=" + quote("properties/runbook/name eq 'rec-hello'"))
    send("jobs: $filter on a time", "GET", f"{jobs}&$filter=" + quote("properties/startTime ge 2020-01-01T00:00:00Z"))
    send("jobs: $filter on a future time", "GET",
         f"{jobs}&$filter=" + quote("properties/endTime gt 2040-01-01T00:00:00Z"))
    send("jobs: $filter with + for spaces", "GET", f"{jobs}&$filter=properties/status+eq+'Failed'")
    send("jobs: $filter incomplete", "GET", f"{jobs}&$filter=" + quote("properties/status eq"))
    send("jobs: $filter unknown status", "GET", f"{jobs}&$filter=" + quote("properties/status eq 'Sleeping'"))
    send("jobs: $filter unknown field", "GET", f"{jobs}&$filter=" + quote("properties/owner eq 'me'"))
    send("jobs: $filter not a time", "GET", f"{jobs}&$filter=" + quote("properties/startTime ge 'yesterday'"))
    send("jobs: $filter or", "GET", f"{jobs}&$filter=" + quote(
        "properties/status eq 'Failed' or properties/status eq 'Stopped'"))

    # Schedules.
    weekly = f"{AA}/schedules/rec-weekly?{VERSION}"
    weekly_body = {"name": "rec-weekly", "properties": {
        "description": "every Monday and Friday", "startTime": "2040-01-02T06:00:00+01:00",
        "expiryTime": "9999-12-31T23:59:59.9999999+00:00", "interval": 1, "frequency": "Week",
        "timeZone": "Europe/Berlin", "advancedSchedule": {"weekDays": ["Monday", "Friday"]}}}
    send("schedule create: reader", "PUT", weekly, weekly_body, auth="reader")
    send("schedule create", "PUT", weekly, weekly_body)
    send("schedule create again", "PUT", weekly, weekly_body)
    schedules = [
        ("rec-daily", {"startTime": "2040-03-01T00:00:00Z", "frequency": "Day", "interval": "2"}),
        ("rec-hourly", {"startTime": "2040-03-01T00:30:00Z", "frequency": "hour", "interval": 6.0,
                        "expiryTime": "2041-01-01T00:00:00Z", "isEnabled": "false"}),
        ("rec-monthly", {"startTime": "2040-03-01T08:00:00", "frequency": "Month",
                         "advancedSchedule": {"monthDays": [1, 15, -1]}}),
        ("rec-occurrence", {"startTime": "2040-03-01T08:00:00Z", "frequency": "Month",
                            "advancedSchedule": {"monthlyOccurrences": [{"occurrence": 1, "day": "Monday"},
                                                                        {"occurrence": -1, "day": "Friday"}]}}),
        ("rec-once", {"startTime": "2040-05-01T12:00:00.1234567Z", "frequency": "OneTime", "timeZone": "UTC"}),
        ("rec-minute", {"startTime": "2040-05-01T12:00:00Z", "frequency": "Minute", "interval": 15}),
    ]
    for name, properties in schedules:
        send(f"schedule create {name}", "PUT", f"{AA}/schedules/{name}?{VERSION}", {"properties": properties})
    bad = f"{AA}/schedules/rec-bad?{VERSION}"
    for step, body in [
        ("no properties", {"name": "rec-bad"}),
        ("no frequency", {"properties": {"startTime": "2040-01-01T00:00:00Z"}}),
        ("unknown frequency", {"properties": {"startTime": "2040-01-01T00:00:00Z", "frequency": "Fortnight"}}),
        ("cron frequency", {"properties": {"startTime": "2040-01-01T00:00:00Z", "frequency": "Cron"}}),
        ("interval not a number", {"properties": {"startTime": "2040-01-01T00:00:00Z", "frequency": "Day",
                                                  "interval": "every"}}),
        ("interval a fraction", {"properties": {"startTime": "2040-01-01T00:00:00Z", "frequency": "Day",
                                                "interval": 1.5}}),
        ("interval a list", {"properties": {"startTime": "2040-01-01T00:00:00Z", "frequency": "Day",
                                            "interval": [1]}}),
        ("interval zero", {"properties": {"startTime": "2040-01-01T00:00:00Z", "frequency": "Day", "interval": 0}}),
        ("no startTime", {"properties": {"frequency": "Day"}}),
        ("startTime not a time", {"properties": {"startTime": "tomorrow", "frequency": "Day"}}),
        ("expiryTime not a time", {"properties": {"startTime": "2040-01-01T00:00:00Z", "frequency": "Day",
                                                  "expiryTime": "never"}}),
        ("expiry before start", {"properties": {"startTime": "2040-01-02T00:00:00Z", "frequency": "Day",
                                                "expiryTime": "2040-01-01T00:00:00Z"}}),
        ("unknown time zone", {"properties": {"startTime": "2040-01-01T00:00:00Z", "frequency": "Day",
                                              "timeZone": "Mars/Olympus"}}),
        ("unknown week day", {"properties": {"startTime": "2040-01-01T00:00:00Z", "frequency": "Week",
                                             "advancedSchedule": {"weekDays": ["Funday"]}}}),
        ("month days not numbers", {"properties": {"startTime": "2040-01-01T00:00:00Z", "frequency": "Month",
                                                   "advancedSchedule": {"monthDays": ["1"]}}}),
        ("month day out of range", {"properties": {"startTime": "2040-01-01T00:00:00Z", "frequency": "Month",
                                                   "advancedSchedule": {"monthDays": [32]}}}),
        ("bad occurrence", {"properties": {"startTime": "2040-01-01T00:00:00Z", "frequency": "Month",
                                           "advancedSchedule": {"monthlyOccurrences": [{"occurrence": "first"}]}}}),
        ("not JSON", "{"),
    ]:
        send(f"schedule create: {step}", "PUT", bad, body, headers={"Content-Type": "application/json"})
    send("schedule get", "GET", weekly)
    send("schedule get: unknown", "GET", f"{AA}/schedules/no-such-schedule?{VERSION}")
    send("schedule update: disable", "PATCH", weekly, {"name": "rec-weekly", "properties": {"isEnabled": False}})
    send("schedule update: enable as text", "PATCH", weekly, {"properties": {"isEnabled": "true"}})
    send("schedule update: nothing", "PATCH", weekly, {"properties": {"description": "ignored"}})
    send("schedule update: isEnabled not a bool", "PATCH", weekly, {"properties": {"isEnabled": "maybe"}})
    send("schedule update: not JSON", "PATCH", weekly, "[", headers={"Content-Type": "application/json"})
    send("schedule update: reader", "PATCH", weekly, {"properties": {"isEnabled": False}}, auth="reader")
    send("schedule update: unknown", "PATCH", f"{AA}/schedules/no-such-schedule?{VERSION}",
         {"properties": {"isEnabled": False}})
    send("schedules", "GET", f"{AA}/schedules?{VERSION}")
    send("schedules: reader", "GET", f"{AA}/schedules?{VERSION}", auth="reader")

    # Job schedules.
    links = f"{AA}/jobSchedules"
    link_body = job_schedule("rec-weekly", "rec-hello", parameters={"target": "scheduled"})
    send("job schedule create: reader", "PUT", f"{links}/{LINK}?{VERSION}", link_body, auth="reader")
    send("job schedule create", "PUT", f"{links}/{LINK}?{VERSION}", link_body)
    for step, body in [
        ("the same pair again", link_body),
        ("no schedule", {"properties": {"runbook": {"name": "rec-hello"}}}),
        ("no runbook", {"properties": {"schedule": {"name": "rec-daily"}}}),
        ("unknown schedule", job_schedule("no-such-schedule", "rec-hello", parameters={"target": "x"})),
        ("unknown runbook", job_schedule("rec-daily", "no-such-runbook")),
        ("runOn not a group name",
         job_schedule("rec-daily", "rec-hello", parameters={"target": "x"}, runOn="no such/group")),
        ("parameter not a string", job_schedule("rec-daily", "rec-hello", parameters={"target": 5})),
        ("unknown parameter", job_schedule("rec-daily", "rec-hello", parameters={"target": "x", "tagret": "y"})),
        ("not JSON", "nope"),
    ]:
        send(f"job schedule create: {step}", "PUT", f"{links}/{LINK_REFUSED}?{VERSION}", body,
             headers={"Content-Type": "application/json"})
    send("job schedule create: id not a GUID", "PUT", f"{links}/not-a-guid?{VERSION}",
         job_schedule("rec-daily", "rec-hello", parameters={"target": "x"}))
    send("job schedule get", "GET", f"{links}/{LINK}?{VERSION}")
    send("job schedule get: unknown", "GET", f"{links}/{LINK_REFUSED}?{VERSION}")
    send("job schedules", "GET", f"{links}?{VERSION}")
    send("job schedules: $filter runbook", "GET",
         f"{links}?{VERSION}&$filter=" + quote("properties/runbook/name eq 'rec-hello'"))
    send("job schedules: $filter other schedule", "GET",
         f"{links}?{VERSION}&$filter=" + quote("properties/schedule/name eq 'rec-daily'"))
    send("job schedules: $filter unknown field", "GET",
         f"{links}?{VERSION}&$filter=" + quote("properties/runOn eq 'x'"))
    send("job schedule delete: reader", "DELETE", f"{links}/{LINK}?{VERSION}", auth="reader")
    send("job schedule delete", "DELETE", f"{links}/{LINK}?{VERSION}")
    send("job schedule delete again", "DELETE", f"{links}/{LINK}?{VERSION}")
    send("job schedule get: deleted", "GET", f"{links}/{LINK}?{VERSION}")
    send("job schedule create: after its delete", "PUT", f"{links}/{LINK}?{VERSION}", link_body)
    send("schedule delete: reader", "DELETE", weekly, auth="reader")
    send("schedule delete: it has a job schedule", "DELETE", weekly)
    send("job schedule get: its schedule deleted", "GET", f"{links}/{LINK}?{VERSION}")
    send("job schedules: after the schedule's delete", "GET", f"{links}?{VERSION}")
    send("schedule delete again", "DELETE", weekly)
    send("schedule get: deleted", "GET", weekly)

    # Hybrid Runbook Worker groups: an agent joins one by polling (unrecorded: its credential
    # is new each run); the API reads and removes them.
    _, _, enrolled = s.send("agent enrolment", "POST", "/agent/v1/enroll",
                            {"name": "rec-worker", "os": "Debian 12", "addresses": [], "version": "1", "gateway": None},
                            auth="agent", record=False)
    agent = {"Authorization": "Agent " + json.loads(enrolled)["credential"]}
    poll = {"groups": ["rec-group"], "concurrency": 1, "running": [], "pid": 4242, "waitSeconds": 0}
    status, _, _ = s.send("worker poll", "POST", "/agent/v1/worker/poll", poll, auth=None, headers=agent, record=False)
    assert status == 200
    groups = f"{AA}/hybridRunbookWorkerGroups"
    send("worker groups", "GET", f"{groups}?{VERSION}")
    send("worker groups: reader", "GET", f"{groups}?{VERSION}", auth="reader")
    send("worker group get", "GET", f"{groups}/rec-group?{VERSION}")
    send("worker group get: unknown", "GET", f"{groups}/no-such-group?{VERSION}")
    _, _, listed = send("workers of a group", "GET", f"{groups}/rec-group/hybridRunbookWorkers?{VERSION}")
    worker = json.loads(listed)["value"][0]["name"]
    send("workers of a group: unknown group", "GET", f"{groups}/no-such-group/hybridRunbookWorkers?{VERSION}")
    send("worker get", "GET", f"{groups}/rec-group/hybridRunbookWorkers/{worker}?{VERSION}")
    send("worker get: unknown", "GET", f"{groups}/rec-group/hybridRunbookWorkers/{LINK_REFUSED}?{VERSION}")
    send("worker delete: reader", "DELETE", f"{groups}/rec-group/hybridRunbookWorkers/{worker}?{VERSION}",
         auth="reader")
    send("worker delete", "DELETE", f"{groups}/rec-group/hybridRunbookWorkers/{worker}?{VERSION}")
    send("worker group get: its last worker deleted", "GET", f"{groups}/rec-group?{VERSION}")
    s.send("worker poll again", "POST", "/agent/v1/worker/poll", poll, auth=None, headers=agent, record=False)
    send("worker group delete: reader", "DELETE", f"{groups}/rec-group?{VERSION}", auth="reader")
    send("worker group delete", "DELETE", f"{groups}/rec-group?{VERSION}")
    send("worker group delete again", "DELETE", f"{groups}/rec-group?{VERSION}")
    send("worker groups: none", "GET", f"{groups}?{VERSION}")

    # Log Analytics' query API: the workspace linked to the account.
    query = f"/v1/workspaces/{workspace}/query"
    counts = ('AzureDiagnostics | where RunbookName_s == "rec-hello" '
              "| summarize count() by Category, ResultType | order by Category asc, ResultType asc")
    send("query", "POST", query, {"query": counts})
    send("query: reader", "POST", query, {"query": counts}, auth="reader")
    send("query: a timespan", "POST", query, {"query": counts, "timespan": "P1D"})
    send("query: an old timespan", "POST", query,
         {"query": counts, "timespan": "2020-01-01T00:00:00Z/2020-01-02T00:00:00Z"})
    send("query: a bad timespan", "POST", query, {"query": counts, "timespan": "last week"})
    send("query: rows with times and ids", "POST", query, {"query": (
        f'AzureDiagnostics | where JobId_g == "{JOB_HELLO}" and Category == "JobStreams" '
        "| project TimeGenerated, JobId_g, StreamType_s, ResultDescription, Caller_s, ResourceId "
        "| order by ResultDescription asc")})
    send("query: statistics and render", "POST", query,
         {"query": counts + " | render piechart"},
         headers={"Prefer": "wait=60, include-statistics=true, include-render=true"})
    send("query: GET", "GET", f"{query}?query=" + quote(counts))
    send("query: GET with a timespan", "GET", f"{query}?query=" + quote(counts) + "&timespan=PT1H")
    send("query: GET without a query", "GET", query)
    send("query: syntax error", "POST", query, {"query": "AzureDiagnostics | where RunbookName_s == 'rec"})
    send("query: unknown table", "POST", query, {"query": "NoSuchTable | count"})
    send("query: unknown column", "POST", query, {"query": "AzureDiagnostics | where Colour == 'red'"})
    send("query: no query", "POST", query, {"timespan": "P1D"})
    send("query: query not a string", "POST", query, {"query": 42})
    send("query: not JSON", "POST", query, "query=Heartbeat", headers={"Content-Type": "application/json"})
    send("query: a JSON array", "POST", query, ["Heartbeat"])
    send("query: empty table", "POST", query, {"query": "Heartbeat | count"})
    send("query: more rows than the server's limit (a partial result)", "POST", query,
         {"query": "AzureDiagnostics | project Category, ResultType | order by Category asc, ResultType asc"})
    send("query: no token", "POST", query, {"query": counts}, auth=None)
    send("query: unknown token", "POST", query, {"query": counts}, auth="unknown")
    send("query: unknown workspace", "POST", f"/v1/workspaces/{NO_WORKSPACE}/query",
         {"query": counts})
    send("query: workspace not a GUID", "POST", "/v1/workspaces/my-workspace/query", {"query": counts})
    send("query: method not allowed", "DELETE", query)

    # Deleting a runbook, then the runbook list paged past 100 runbooks.
    send("runbook delete: reader", "DELETE", f"{AA}/runbooks/rec-fail?{VERSION}", auth="reader")
    send("runbook delete", "DELETE", f"{AA}/runbooks/rec-fail?{VERSION}")
    send("runbook delete again", "DELETE", f"{AA}/runbooks/rec-fail?{VERSION}")
    send("runbook get: deleted", "GET", f"{AA}/runbooks/rec-fail?{VERSION}")
    send("job get: of a deleted runbook", "GET", f"{AA}/jobs/{JOB_FAIL}?{VERSION}")
    send("runbooks", "GET", f"{AA}/runbooks?{VERSION}")
    send("runbooks: reader", "GET", f"{AA}/runbooks?{VERSION}", auth="reader")
    for i in range(100):
        status, _, text = send("bulk runbook create", "PUT", f"{AA}/runbooks/bulk-{i:03}?{VERSION}",
                               {"properties": {"runbookType": "Yaml"}}, record=i == 0)
        assert status == 201, text
    link, page = f"{AA}/runbooks?{VERSION}", 1
    while link:
        _, _, text = send(f"runbooks: page {page}", "GET", link)
        link, page = json.loads(text).get("nextLink"), page + 1
    send("runbooks: skiptoken past the end", "GET", f"{AA}/runbooks?{VERSION}&$skiptoken=zzz")


# --- Checking -------------------------------------------------------------------------------

def covered_operations(exchanges):
    """The (method, path) pairs of schemas/openapi.json that no exchange reached."""
    with open(OPENAPI, encoding="utf-8") as handle:
        document = json.load(handle)
    templates = []
    for path, operations in document["paths"].items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path))
        for method in operations:
            if method in ("get", "put", "post", "patch", "delete"):
                templates.append((method.upper(), path, re.compile(pattern + r"(?:\?.*)?", re.IGNORECASE)))
    reached = {(method, path) for method, path, pattern in templates
               for exchange in exchanges
               if exchange["method"] == method and pattern.fullmatch(exchange["path"]) and exchange["status"] < 400}
    return [(method, path) for method, path, _ in templates if (method, path) not in reached]


def render(exchange, pretty=True):
    """An exchange as lines of text, for a readable diff."""
    lines = [f"#{exchange['index']} {exchange['step']}",
             f"> {exchange['method']} {exchange['path']}  (token: {exchange['auth']})"]
    lines += [f"> {name}: {value}" for name, value in exchange["requestHeaders"].items()]
    if exchange["requestBody"] is not None:
        lines += ["> " + line for line in exchange["requestBody"].split("\n")]
    lines.append(f"< {exchange['status']}")
    lines += [f"< {name}: {value}" for name, value in exchange["headers"]]
    body = exchange["body"]
    if pretty:
        try:
            body = json.dumps(json.loads(body), indent=1, ensure_ascii=False)
        except ValueError:
            pass
    lines += ["< " + line for line in body.split("\n")]
    return lines


def differences(recorded, actual, most=3):
    """A unified diff of the first `most` exchanges that differ, or '' when none does."""
    out = []
    if len(recorded) != len(actual):
        out.append(f"{len(actual)} exchanges now, {len(recorded)} recorded")
    for index in range(max(len(recorded), len(actual))):
        before = recorded[index] if index < len(recorded) else None
        after = actual[index] if index < len(actual) else None
        if before == after:
            continue
        for pretty in (True, False):
            old = render(before, pretty) if before else []
            new = render(after, pretty) if after else []
            if old != new or not pretty:
                break
        title = (before or after)["step"]
        out.append(f"exchange #{index + 1} ({title!r}) differs:")
        out += list(difflib.unified_diff(old, new, "recorded", "now", n=4, lineterm=""))
        most -= 1
        if most == 0:
            break
    return "\n".join(out)


def test_arm_responses_match_the_recording():
    store = tempfile.mkdtemp(prefix="runbook-arm-recorded-")
    runbook(store, "init")
    workspace = json.loads(runbook(store, "account", "show", "--json").stdout)["workspaceId"]
    server = serve(store, "--query-row-limit", str(QUERY_ROW_LIMIT))
    try:
        tokens = {
            "contributor": server.token("recorder"),
            "reader": server.token("recorder-reader", role="reader"),
            "revoked": server.token("recorder-revoked"),
            "agent": server.token("recorder-agent", role="agent"),
            "garbage": "not-a-token",
            "unknown": "rbk_nosuchtoken0_" + "x" * 43,
        }
        # Revoked before its first use: no cached credential can let it in.
        runbook(store, "token", "revoke", "recorder-revoked")
        session = Session(server, tokens)
        started = time.time()
        scenario(session, workspace)
        took = time.time() - started
    finally:
        stop(server)
    exchanges = [dict(index=i + 1, **exchange) for i, exchange in enumerate(session.exchanges)]
    missing = covered_operations(exchanges)
    assert not missing, f"operations of schemas/openapi.json that the scenario never answers with success: {missing}"
    if RECORD:
        os.makedirs(os.path.dirname(RECORDING), exist_ok=True)
        with open(RECORDING, "w", encoding="utf-8") as handle:
            json.dump(exchanges, handle, indent=1, ensure_ascii=False)
            handle.write("\n")
        print(f"recorded {len(exchanges)} exchanges in {took:.1f}s to {RECORDING}")
        return
    assert os.path.exists(RECORDING), f"no recording: run with RUNBOOK_RECORD_ARM=1 to write {RECORDING}"
    with open(RECORDING, encoding="utf-8") as handle:
        recorded = json.load(handle)
    diff = differences(recorded, exchanges)
    if diff:
        # The whole run beside the diff, for a closer look (a temporary file, like the store).
        now = tempfile.NamedTemporaryFile("w", prefix="arm-exchanges-", suffix=".json", delete=False,
                                          encoding="utf-8")
        with now:
            json.dump(exchanges, now, indent=1, ensure_ascii=False)
        raise AssertionError(
            "ARM responses differ from Tests/python/recorded/arm/exchanges.json (this run's exchanges are in "
            f"{now.name}; re-record with RUNBOOK_RECORD_ARM=1 only if the change is meant):\n" + diff)
