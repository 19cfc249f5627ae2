"""Log Analytics' query API through Azure's own client, azure-monitor-query's LogsQueryClient,
against a real `runbook serve` on the Contoso fixture store (issue 11): every case of
Tests/fixtures/log-queries.txt, a timespan, a partial result and errors."""

import datetime
import json
import os
import subprocess
import tempfile

import pytest
from azure.core.exceptions import HttpResponseError
from azure.monitor.query import LogsQueryClient, LogsQueryStatus

from conftest import BINARY, ROOT, StaticTokenCredential, runbook, serve, stop
from log_cases import load_cases


@pytest.fixture(scope="module")
def logs_server():
    store = tempfile.mkdtemp(prefix="runbook-logs-")
    subprocess.run(["sh", "Tests/fixtures/make-log-store.sh", BINARY, store], cwd=ROOT, check=True, timeout=300)
    started = serve(store, "--query-row-limit", "1000")
    yield started
    stop(started)


@pytest.fixture(scope="module")
def logs(logs_server):
    token = logs_server.token("logs-tests", role="reader")
    return LogsQueryClient(
        StaticTokenCredential(token), endpoint=logs_server.url, connection_verify=logs_server.certificate)


@pytest.fixture(scope="module")
def workspace(logs_server):
    accounts = json.loads(runbook(logs_server.store, "account", "show", "--json").stdout)
    return accounts["workspaceId"]


def cell(value):
    """A value as `runbook query --csv` writes it, for comparing the two front ends."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return str(value)


def csv_line(cells):
    out = []
    for text in cells:
        if any(c in text for c in ',"\n\r'):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return ",".join(out)


@pytest.mark.parametrize("case", load_cases(), ids=lambda case: case.name)
def test_query_cases(logs, workspace, case):
    if case.error is not None:
        with pytest.raises(HttpResponseError) as raised:
            logs.query_workspace(workspace, case.query, timespan=None)
        assert raised.value.status_code == 400
        assert raised.value.model.code == "BadArgumentError"
        assert raised.value.model.message == case.error
        return
    result = logs.query_workspace(workspace, case.query, timespan=None)
    assert result.status == LogsQueryStatus.SUCCESS
    table = result.tables[0]
    lines = [csv_line(table.columns)] + [csv_line([cell(v) for v in row]) for row in table.rows]
    assert lines == case.csv


def test_timespan_limits_every_table(logs, workspace):
    recent = logs.query_workspace(workspace, "ConfigurationChange | count", timespan=datetime.timedelta(days=1))
    assert recent.tables[0].rows[0][0] == 6
    past = (datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc), datetime.timedelta(hours=1))
    old = logs.query_workspace(workspace, "ConfigurationChange | count", timespan=past)
    assert old.tables[0].rows[0][0] == 0


def test_partial_result_keeps_its_rows(logs, workspace):
    query = ("ConfigurationData | join kind=inner (ConfigurationData) on ConfigDataType "
             "| join kind=inner (ConfigurationData) on ConfigDataType | project Computer")
    result = logs.query_workspace(workspace, query, timespan=None)
    assert result.status == LogsQueryStatus.PARTIAL
    assert result.partial_error.code == "PartialError"
    assert len(result.partial_data[0].rows) == 1000


def test_statistics_and_render(logs, workspace):
    result = logs.query_workspace(
        workspace, "ConfigurationChange | summarize count() by ConfigChangeType | render piechart",
        timespan=None, include_statistics=True, include_visualization=True)
    assert result.visualization["visualization"] == "piechart"
    assert "query" in result.statistics


def test_syntax_error_carries_its_position(logs, workspace):
    with pytest.raises(HttpResponseError) as raised:
        logs.query_workspace(workspace, "ConfigurationChange | where Computer == 'web", timespan=None)
    assert raised.value.status_code == 400
    assert raised.value.model.message.startswith("query:1:")
    assert "SyntaxError" in str(raised.value)


def test_unknown_workspace_is_404(logs):
    with pytest.raises(HttpResponseError) as raised:
        logs.query_workspace("00000000-0000-0000-0000-00000000beef", "Heartbeat", timespan=None)
    assert raised.value.status_code == 404


def test_sql_in_a_string_is_a_string(logs, workspace, logs_server):
    before = runbook(logs_server.store, "jobs", "list", "--json").stdout
    result = logs.query_workspace(
        workspace, "AzureDiagnostics | where RunbookName_s == \"'; DROP TABLE job; --\"", timespan=None)
    assert result.tables[0].rows == []
    assert runbook(logs_server.store, "jobs", "list", "--json").stdout == before
