"""Two `runbook serve` nodes over one PostgreSQL store, driven by Azure's own Python SDK
(azure-mgmt-automation 2.0.0): whatever one node's API writes, the other's serves; a job
started through one node runs in the first free slot of either; when the node running a job
is killed, the other recovers it after the lease and says so through the API (issue 12).

The server comes from RUNBOOK_TEST_POSTGRES_URL (.ci/run starts one); each run gets a schema of
its own. Without the URL the tests are skipped with that reason."""

import datetime
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import uuid

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.automation import AutomationClient
from azure.monitor.query import LogsQueryClient, LogsQueryStatus
from azure.mgmt.automation.models import (
    AutomationAccountCreateOrUpdateParameters, JobCreateParameters, RunbookAssociationProperty,
    RunbookCreateOrUpdateParameters, Sku,
)

from conftest import BINARY, ROOT, SUBSCRIPTION, StaticTokenCredential, wait_job

GROUP = "nodes"
ACCOUNT = "shared"
LEASE = "3"

pytestmark = pytest.mark.skipif(
    not os.environ.get("RUNBOOK_TEST_POSTGRES_URL"),
    reason="RUNBOOK_TEST_POSTGRES_URL is unset: the nodes over PostgreSQL are not tested "
    "(scripts/postgres-test-server.sh starts a server)")

SLEEPER = """name: sleeper
parameters:
  seconds: { type: int, default: 30 }
steps:
  - name: nap
    action: wait
    with:
      seconds: ${{ params.seconds }}
  - name: done
    action: log
    with:
      message: slept
"""

HELLO = """name: hello
parameters:
  who: { type: string, required: true }
steps:
  - name: greet
    action: log
    with: { message: "hello ${{ params.who }}" }
"""


def cli(url, *arguments):
    result = subprocess.run(
        [BINARY, *arguments, "--store", url], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"runbook {' '.join(arguments)} exited {result.returncode}: {result.stderr}"
    return result.stdout


class Node:
    def __init__(self, name, url, folder):
        self.name = name
        self.log_path = os.path.join(folder, f"{name}.log")
        log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [BINARY, "serve", "--store", url, "--node", name, "--lease", LEASE, "--port", "0", "--poll", "0.2",
             "--grace", "1", "--tls-cert", os.path.join(folder, "tls.crt"),
             "--tls-key", os.path.join(folder, "tls.key")],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=log, text=True)
        self.url = None
        self.certificate = os.path.join(folder, "tls.crt")
        deadline = time.time() + 60
        while time.time() < deadline and self.url is None:
            line = self.process.stdout.readline()
            if not line and self.process.poll() is not None:
                break
            match = re.search(r"Serving (https://127\.0\.0\.1:\d+)", line or "")
            if match:
                self.url = match.group(1)
        if self.url is None:
            self.process.kill()
            raise AssertionError(f"node {name} did not start: " + open(self.log_path).read())

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def cluster():
    base = os.environ["RUNBOOK_TEST_POSTGRES_URL"]
    url = base + ("&" if "?" in base else "?") + "schema=sdk_" + uuid.uuid4().hex[:12]
    folder = tempfile.mkdtemp(prefix="runbook-nodes-")
    # One certificate for both nodes, as a team would give its nodes the same files.
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", os.path.join(folder, "tls.key"),
         "-out", os.path.join(folder, "tls.crt")], check=True, capture_output=True)
    cli(url, "store", "migrate")
    token = json.loads(cli(url, "token", "create", "sdk-nodes", "--json"))["token"]
    nodes = {name: Node(name, url, folder) for name in ("a", "b")}
    previous = os.environ.get("REQUESTS_CA_BUNDLE")
    os.environ["REQUESTS_CA_BUNDLE"] = os.path.join(folder, "tls.crt")
    clients = {
        name: AutomationClient(
            StaticTokenCredential(token), SUBSCRIPTION, base_url=node.url, polling_interval=1)
        for name, node in nodes.items()
    }
    yield url, nodes, clients
    for node in nodes.values():
        node.stop()
    if previous is None:
        os.environ.pop("REQUESTS_CA_BUNDLE", None)
    else:
        os.environ["REQUESTS_CA_BUNDLE"] = previous


def start(client, runbook, parameters=None):
    name = str(uuid.uuid4())
    client.job.create(
        GROUP, ACCOUNT, name,
        JobCreateParameters(runbook=RunbookAssociationProperty(name=runbook), parameters=parameters or {}))
    return name


def wait(client, name, statuses, seconds=60):
    return wait_job(client, GROUP, ACCOUNT, name, statuses, seconds)


def running_sleeper(cluster, seconds):
    """Starts a long job through node a; returns it, the node that runs it (as `runbook nodes
    list --json` says) and the other node."""
    url, nodes, clients = cluster
    name = start(clients["a"], "sleeper", {"seconds": str(seconds)})
    wait(clients["a"], name, {"Running"})
    holders = [node["id"] for node in json.loads(cli(url, "nodes", "list", "--json")) if name in node["jobs"]]
    assert len(holders) == 1 and holders[0] in ("a", "b"), holders
    return name, holders[0], "b" if holders[0] == "a" else "a"


def test_what_one_node_writes_the_other_serves(cluster):
    url, nodes, clients = cluster
    a, b = clients["a"], clients["b"]
    a.automation_account.create_or_update(
        GROUP, ACCOUNT,
        AutomationAccountCreateOrUpdateParameters(location="westeurope", sku=Sku(name="Basic")))
    assert b.automation_account.get(GROUP, ACCOUNT).name == ACCOUNT
    for name, content in (("hello", HELLO), ("sleeper", SLEEPER)):
        a.runbook.create_or_update(
            GROUP, ACCOUNT, name, RunbookCreateOrUpdateParameters(runbook_type="Yaml", location="westeurope"))
        a.runbook_draft.begin_replace_content(GROUP, ACCOUNT, name, content).result()
        b.runbook.begin_publish(GROUP, ACCOUNT, name).result()
    assert {r.name for r in b.runbook.list_by_automation_account(GROUP, ACCOUNT)} >= {"hello", "sleeper"}

    # Started through b, read through a: one job, run once, by either node.
    names = [start(b if i % 2 else a, "hello", {"who": f"n{i}"}) for i in range(12)]
    for index, name in enumerate(names):
        job = wait(a if index % 2 else b, name, {"Completed", "Failed", "Stopped"})
        assert job.status == "Completed", job.exception
        assert a.job.get_output(GROUP, ACCOUNT, name) == f"hello n{index}\n"
        assert b.job.get_output(GROUP, ACCOUNT, name) == f"hello n{index}\n"
    listed = {j.job_id for j in a.job.list_by_automation_account(GROUP, ACCOUNT)}
    assert set(names) <= listed

    # A job name is unique across the nodes.
    with pytest.raises(HttpResponseError) as taken:
        b.job.create(
            GROUP, ACCOUNT, names[0],
            JobCreateParameters(runbook=RunbookAssociationProperty(name="hello"), parameters={"who": "x"}))
    assert taken.value.status_code == 409


def test_a_job_is_stopped_through_the_node_that_does_not_run_it(cluster):
    url, nodes, clients = cluster
    name, holder, other = running_sleeper(cluster, 60)
    clients[other].job.stop(GROUP, ACCOUNT, name)
    job = wait(clients[holder], name, {"Stopped", "Completed", "Failed"}, seconds=30)
    assert job.status == "Stopped"


def test_the_jobs_of_a_killed_node_are_recovered_by_the_other(cluster):
    url, nodes, clients = cluster
    name, holder, survivor = running_sleeper(cluster, 10)
    nodes[holder].process.send_signal(signal.SIGKILL)
    nodes[holder].process.wait()
    # After the 3 s lease (and a heartbeat of the survivor) the job goes back to New and the
    # survivor runs its wait again, to the end; through the survivor's API.
    job = wait(clients[survivor], name, {"Failed", "Stopped", "Suspended", "Completed"}, seconds=60)
    assert job.status == "Completed", job.exception
    streams = clients[survivor].job_stream
    warnings = [
        streams.get(GROUP, ACCOUNT, name, record.job_stream_id).stream_text
        for record in streams.list_by_job(GROUP, ACCOUNT, name, filter="properties/streamType eq 'Warning'")]
    assert any(
        f"node {holder} " in text and "stopped heartbeating" in text and "(restart 1 of 3)" in text
        for text in warnings), warnings
    # The survivor takes new work on its own.
    after = start(clients[survivor], "hello", {"who": "survivor"})
    assert wait(clients[survivor], after, {"Completed", "Failed"}).status == "Completed"


def test_log_queries_are_answered_on_a_node_by_azures_client(cluster):
    """KQL on PostgreSQL, through azure-monitor-query: the jobs the nodes ran are in
    AzureDiagnostics, as a workspace linked to the account has them."""
    url, nodes, clients = cluster
    node = nodes["a"] if nodes["a"].process.poll() is None else nodes["b"]
    token = clients["a"]._config.credential.token
    logs = LogsQueryClient(StaticTokenCredential(token), endpoint=node.url, connection_verify=node.certificate)
    answer = logs.query_workspace(
        "workspace-default",
        "AzureDiagnostics | where Category == 'JobLogs' and ResultType == 'Completed' | summarize n = count()",
        timespan=datetime.timedelta(hours=1))
    assert answer.status == LogsQueryStatus.SUCCESS
    completed = json.loads(cli(url, "jobs", "list", "--status", "Completed", "--limit", "1000", "--json"))
    assert answer.tables[0].rows[0][0] == len(completed) > 0
    empty = logs.query_workspace("workspace-default", "ConfigurationChange | count", timespan=None)
    assert empty.tables[0].rows[0][0] == 0
    with pytest.raises(HttpResponseError) as refused:
        logs.query_workspace("workspace-default", "ConfigurationChange | where", timespan=None)
    assert refused.value.status_code == 400
