"""A real `runbook serve` for the tests: a fresh store, a token, https with its self-signed
certificate, and the stock azure-mgmt-automation client trusting that certificate."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("RUNBOOK_BINARY", os.path.join(ROOT, ".build", "debug", "runbook"))
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
RESOURCE_GROUP = "runbook-local"
ACCOUNT = "automation-default"


def runbook(store, *arguments, check=True):
    """Runs the real binary on the test's store."""
    env = dict(os.environ, RUNBOOK_STORE=store)
    result = subprocess.run([BINARY, *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"runbook {' '.join(arguments)} exited {result.returncode}: {result.stderr}")
    return result


def big_tree(store):
    """12,000 files of 2 KiB under STORE/big/data: a machine whose scan takes seconds (long jobs)."""
    tree = os.path.join(store, "big")
    for folder in range(12):
        path = os.path.join(tree, "data", f"d{folder}")
        os.makedirs(path, exist_ok=True)
        for index in range(1000):
            with open(os.path.join(path, f"f{index}"), "wb") as handle:
                handle.write(bytes([index % 251]) * 2048)
    return tree


class Server:
    def __init__(self, store, process, url, certificate):
        self.store, self.process, self.url, self.certificate = store, process, url, certificate

    def token(self, name, role="contributor"):
        out = runbook(self.store, "token", "create", name, "--role", role, "--json").stdout
        import json

        return json.loads(out)["token"]


def serve(store, *options):
    """Starts `runbook serve` on a store; returns the Server, whose stop() ends it."""
    log = open(os.path.join(store, "serve.log"), "w")
    env = dict(os.environ, RUNBOOK_STORE=store)
    process = subprocess.Popen(
        [BINARY, "serve", "--tls-self-signed", "--port", "0", "--poll", "0.2", "--grace", "2", *options],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    url = None
    deadline = time.time() + 60
    while time.time() < deadline and url is None:
        line = process.stdout.readline()
        if not line:
            if process.poll() is not None:
                break
            continue
        match = re.search(r"Serving (https://127\.0\.0\.1:\d+)", line)
        if match:
            url = match.group(1)
    if url is None:
        process.kill()
        raise AssertionError("runbook serve did not start: " + open(os.path.join(store, "serve.log")).read())
    certificate = os.path.join(store, "tls.crt")
    return Server(store, process, url, certificate)


def stop(server):
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
    shutil.rmtree(server.store, ignore_errors=True)


# The portal's tests name them so.
start_server = serve
stop_server = stop


@pytest.fixture(scope="session")
def server():
    store = tempfile.mkdtemp(prefix="runbook-sdk-")
    runbook(store, "init")
    started = serve(store)
    os.environ["REQUESTS_CA_BUNDLE"] = started.certificate
    yield started
    stop(started)


class StaticTokenCredential:
    """What a test needs of azure-identity: one bearer token."""

    def __init__(self, token):
        self.token = token

    def get_token(self, *scopes, **kwargs):
        from azure.core.credentials import AccessToken

        return AccessToken(self.token, int(time.time()) + 3600)


@pytest.fixture(scope="session")
def client(server):
    from azure.mgmt.automation import AutomationClient

    return AutomationClient(
        StaticTokenCredential(server.token("sdk-tests")), SUBSCRIPTION, base_url=server.url, polling_interval=1)


def wait_job(client, group, account, name, statuses, seconds=60):
    """Polls a job through the API until its status is one of `statuses`; returns it."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        job = client.job.get(group, account, name)
        if job.status in statuses:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {name} is {job.status}, not in {statuses} after {seconds}s")


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item, so a fixture can tell that its test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, "report_" + report.when, report)
