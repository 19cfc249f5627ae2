"""Bad input through Azure's clients and raw HTTP: each is a clear 4xx with Azure's error body,
and changes nothing in the store (issue 10, "Bad input")."""

import http.client
import json
import socket
import ssl
import threading
import time
import uuid

import pytest
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError, ResourceNotFoundError
from azure.mgmt.automation import AutomationClient
from azure.mgmt.automation.models import (
    JobCreateParameters, RunbookAssociationProperty, RunbookCreateOrUpdateParameters,
    ScheduleCreateOrUpdateParameters,
)

from conftest import ACCOUNT, RESOURCE_GROUP, SUBSCRIPTION, StaticTokenCredential, runbook, unique

AA = (f"/subscriptions/{SUBSCRIPTION}/resourceGroups/{RESOURCE_GROUP}/providers/Microsoft.Automation"
      f"/automationAccounts/{ACCOUNT}")


def client_with(server, token):
    return AutomationClient(StaticTokenCredential(token), SUBSCRIPTION, base_url=server.url, retry_total=0)


def raw_response(server, method, path, body=None, token=None, headers=None, timeout=30):
    """One request over its own connection: the status, the headers and the body."""
    host, port = server.url.split("//")[1].split(":")
    context = ssl.create_default_context(cafile=server.certificate)
    connection = http.client.HTTPSConnection(host, int(port), context=context, timeout=timeout)
    all_headers = dict(headers or {})
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), data


def raw(server, method, path, body=None, token=None, headers=None):
    status, _, data = raw_response(server, method, path, body, token, headers)
    return status, data


def job_count(server):
    return len(json.loads(runbook(server.store, "jobs", "list", "--limit", "100000", "--json").stdout))


def azure_error(data):
    body = json.loads(data)
    assert set(body["error"]) >= {"code", "message"}, body
    return body["error"]


def test_tokens(server):
    assert raw(server, "GET", AA + "?api-version=2024-10-23")[0] == 401
    status, data = raw(server, "GET", AA + "?api-version=2024-10-23", token="rbk_nosuchtoken0_" + "x" * 43)
    assert status == 401 and azure_error(data)["code"] == "AuthenticationFailed"
    name = unique("revoked")
    revoked = server.token(name)
    runbook(server.store, "token", "revoke", name)
    with pytest.raises(ClientAuthenticationError):
        client_with(server, revoked).automation_account.get(RESOURCE_GROUP, ACCOUNT)
    reader = client_with(server, server.token(unique("reader"), role="reader"))
    assert reader.automation_account.get(RESOURCE_GROUP, ACCOUNT).name == ACCOUNT
    before = job_count(server)
    with pytest.raises(HttpResponseError) as forbidden:
        reader.job.create(RESOURCE_GROUP, ACCOUNT, str(uuid.uuid4()),
                          JobCreateParameters(runbook=RunbookAssociationProperty(name="scan"), parameters={}))
    assert forbidden.value.status_code == 403
    assert job_count(server) == before


def test_runbook_content_and_types(server, client):
    name = unique("broken")
    client.runbook.create_or_update(RESOURCE_GROUP, ACCOUNT, name,
                                    RunbookCreateOrUpdateParameters(runbook_type="Yaml", location="eastus2"))
    with pytest.raises(HttpResponseError) as invalid:
        client.runbook_draft.begin_replace_content(
            RESOURCE_GROUP, ACCOUNT, name, f"name: {name}\nsteps:\n  - {{ name: a, action: lgo }}\n").result()
    assert invalid.value.status_code == 400
    assert "3:24: unknown action 'lgo'" in invalid.value.message
    assert client.runbook.get(RESOURCE_GROUP, ACCOUNT, name).state == "New"
    with pytest.raises(HttpResponseError) as kind:
        client.runbook.create_or_update(RESOURCE_GROUP, ACCOUNT, unique("ps"),
                                        RunbookCreateOrUpdateParameters(runbook_type="PowerShell", location="x"))
    assert kind.value.status_code == 400 and "supported types: Yaml" in kind.value.message
    before = job_count(server)
    with pytest.raises(HttpResponseError) as unpublished:
        client.job.create(RESOURCE_GROUP, ACCOUNT, str(uuid.uuid4()),
                          JobCreateParameters(runbook=RunbookAssociationProperty(name=name), parameters={}))
    assert unpublished.value.status_code == 400 and "not published" in unpublished.value.message
    with pytest.raises(HttpResponseError) as wrong:
        client.job.create(RESOURCE_GROUP, ACCOUNT, str(uuid.uuid4()),
                          JobCreateParameters(runbook=RunbookAssociationProperty(name="scan"),
                                              parameters={"machnes": "a"}))
    assert wrong.value.status_code == 400 and "machnes" in wrong.value.message
    assert job_count(server) == before
    with pytest.raises(ResourceNotFoundError):
        client.runbook.get(RESOURCE_GROUP, ACCOUNT, "no-such-runbook")


def test_filters_and_schedules(server, client):
    with pytest.raises(HttpResponseError) as bad_filter:
        list(client.job.list_by_automation_account(RESOURCE_GROUP, ACCOUNT, filter="properties/status eq"))
    assert bad_filter.value.status_code == 400
    with pytest.raises(HttpResponseError) as expiry:
        client.schedule.create_or_update(
            RESOURCE_GROUP, ACCOUNT, unique("s"),
            ScheduleCreateOrUpdateParameters(name="s", start_time="2030-01-02T00:00:00Z",
                                             expiry_time="2030-01-01T00:00:00Z", frequency="Day"))
    assert expiry.value.status_code == 400 and "expiry" in expiry.value.message.lower()
    with pytest.raises(HttpResponseError) as zone:
        client.schedule.create_or_update(
            RESOURCE_GROUP, ACCOUNT, unique("s"),
            ScheduleCreateOrUpdateParameters(name="s", start_time="2030-01-02T00:00:00Z", frequency="Day",
                                             time_zone="Mars/Olympus"))
    assert zone.value.status_code == 400 and "Mars/Olympus" in zone.value.message


@pytest.mark.parametrize("path", [
    AA + "/runbooks/..%2F..%2Fetc?api-version=2024-10-23",
    AA + "/runbooks/a%2Fb?api-version=2024-10-23",
    AA + "/runbooks/%2E%2E?api-version=2024-10-23",
])
def test_paths_that_escape_are_refused(server, path):
    status, data = raw(server, "GET", path, token=server.token(unique("paths")))
    assert status == 400, data
    azure_error(data)


def test_bodies(server):
    token = server.token(unique("bodies"))
    status, data = raw(server, "PUT", AA + f"/jobs/{uuid.uuid4()}?api-version=2024-10-23", body=b"not json",
                       token=token, headers={"Content-Type": "application/json"})
    assert status == 400 and "not valid JSON" in azure_error(data)["message"]
    status, data = raw(server, "PUT", AA + f"/runbooks/{unique('big')}/draft/content?api-version=2024-10-23",
                       body=b"x" * (20 * 1024 * 1024), token=token, headers={"Content-Type": "text/plain"})
    assert status == 413
    azure_error(data)
    status, data = raw(server, "GET", AA + "/runbooks", token=token)
    assert status == 400 and azure_error(data)["target"] == "api-version"


def test_a_silent_client_does_not_stop_others(server, client):
    host, port = server.url.split("//")[1].split(":")
    silent = [socket.create_connection((host, int(port))) for _ in range(8)]
    try:
        # Answered while eight connections hold their slots and say nothing.
        assert client.automation_account.get(RESOURCE_GROUP, ACCOUNT).name == ACCOUNT
    finally:
        for connection in silent:
            connection.close()
