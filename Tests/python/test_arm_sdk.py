"""Azure's own Python SDK (azure-mgmt-automation 2.0.0, azure-core) against a real
`runbook serve` over https with its self-signed certificate: the stock client, no patched
policies (issue 10)."""

import datetime
import json
import socket
import ssl
import time
import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError, ClientAuthenticationError
from azure.mgmt.automation import AutomationClient
from azure.mgmt.automation.models import (
    JobCreateParameters, JobScheduleCreateParameters, RunbookAssociationProperty,
    RunbookCreateOrUpdateParameters, ScheduleAssociationProperty, ScheduleCreateOrUpdateParameters,
    ScheduleUpdateParameters,
)

from conftest import (
    ACCOUNT, RESOURCE_GROUP, SUBSCRIPTION, StaticTokenCredential, big_tree, runbook, unique, wait_job,
)

HELLO = """name: {name}
parameters:
  target: {{ type: string, required: true }}
  attempt: {{ type: int, default: 1 }}
steps:
  - name: greet
    action: log
    with: {{ message: "hello ${{{{ params.target }}}}" }}
  - name: check
    action: log
    with: {{ message: "checked ${{{{ params.target }}}}", stream: Warning }}
"""


def publish(client, name, content):
    client.runbook.create_or_update(
        RESOURCE_GROUP, ACCOUNT, name,
        RunbookCreateOrUpdateParameters(runbook_type="Yaml", description="sdk test", location="eastus2"))
    client.runbook_draft.begin_replace_content(RESOURCE_GROUP, ACCOUNT, name, content).result()
    client.runbook.begin_publish(RESOURCE_GROUP, ACCOUNT, name).result()


def start(client, runbook_name, parameters):
    name = str(uuid.uuid4())
    job = client.job.create(
        RESOURCE_GROUP, ACCOUNT, name,
        JobCreateParameters(runbook=RunbookAssociationProperty(name=runbook_name), parameters=parameters))
    return name, job


def wait(client, name, statuses, seconds=60):
    return wait_job(client, RESOURCE_GROUP, ACCOUNT, name, statuses, seconds)


def test_account(client):
    account = client.automation_account.get(RESOURCE_GROUP, ACCOUNT)
    assert account.name == ACCOUNT
    names = [a.name for a in client.automation_account.list_by_resource_group(RESOURCE_GROUP)]
    assert ACCOUNT in names
    with pytest.raises(ResourceNotFoundError):
        client.automation_account.get(RESOURCE_GROUP, "no-such-account")


def test_publish_run_output_streams_and_filter(client):
    name = unique("hello")
    publish(client, name, HELLO.format(name=name))
    assert client.runbook.get(RESOURCE_GROUP, ACCOUNT, name).state == "Published"
    assert "hello" in client.runbook.get_content(RESOURCE_GROUP, ACCOUNT, name)
    assert name in [r.name for r in client.runbook.list_by_automation_account(RESOURCE_GROUP, ACCOUNT)]

    job_name, job = start(client, name, {"target": "web01", "attempt": "2"})
    assert job.status in ("New", "Activating", "Running", "Completed")
    done = wait(client, job_name, {"Completed", "Failed", "Stopped"})
    assert done.status == "Completed", done.exception
    assert done.parameters == {"target": "web01", "attempt": "2"}
    assert client.job.get_output(RESOURCE_GROUP, ACCOUNT, job_name) == "hello web01\n"
    assert "steps:" in client.job.get_runbook_content(RESOURCE_GROUP, ACCOUNT, job_name)

    streams = list(client.job_stream.list_by_job(RESOURCE_GROUP, ACCOUNT, job_name))
    kinds = [s.stream_type for s in streams]
    assert "Output" in kinds and "Warning" in kinds
    warning = [s for s in streams if s.stream_type == "Warning"][0]
    full = client.job_stream.get(RESOURCE_GROUP, ACCOUNT, job_name, warning.job_stream_id)
    assert full.stream_text == "checked web01"
    only_output = list(client.job_stream.list_by_job(
        RESOURCE_GROUP, ACCOUNT, job_name, filter="properties/streamType eq 'Output'"))
    assert {s.stream_type for s in only_output} == {"Output"}

    listed = list(client.job.list_by_automation_account(
        RESOURCE_GROUP, ACCOUNT, filter=f"properties/runbook/name eq '{name}' and properties/status eq 'Completed'"))
    assert [j.name for j in listed] == [job_name]



def test_jobs_started_from_the_command_line_are_visible_through_the_api(server, client):
    runbook(server.store, "run", "enable-tracking")
    latest = json.loads(runbook(server.store, "jobs", "show", "latest", "--json").stdout)["id"]
    job = client.job.get(RESOURCE_GROUP, ACCOUNT, latest)
    assert job.status == "Completed"
    assert job.runbook.name == "enable-tracking"
    api_name, _ = start(client, "enable-tracking", {})
    wait(client, api_name, {"Completed"})
    listed = runbook(server.store, "jobs", "list", "--json").stdout
    assert api_name in listed


def test_stop_suspend_and_resume_a_long_job(server, client):
    tree = big_tree(server.store)
    runbook(server.store, "machine", "register", "big", "--os", "Debian 12", "--source", f"linux-root:{tree}",
            "--standard-rules")
    runbook(server.store, "run", "enable-tracking", "-p", "machines=big")
    runbook(server.store, "run", "bench/bench-configure.yaml")
    long_name = unique("long")
    steps = "".join(
        f"  - {{ name: scan{i}, action: scan, with: {{ targets: {{ machines: [big] }} }} }}\n" for i in range(6))
    publish(client, long_name, f"name: {long_name}\nsteps:\n{steps}")

    stop_name, _ = start(client, long_name, {})
    wait(client, stop_name, {"Running"})
    client.job.stop(RESOURCE_GROUP, ACCOUNT, stop_name)
    assert wait(client, stop_name, {"Stopped", "Completed"}).status == "Stopped"

    suspend_name, _ = start(client, long_name, {})
    wait(client, suspend_name, {"Running"})
    client.job.suspend(RESOURCE_GROUP, ACCOUNT, suspend_name)
    assert wait(client, suspend_name, {"Suspended", "Completed"}).status == "Suspended"
    client.job.resume(RESOURCE_GROUP, ACCOUNT, suspend_name)
    assert wait(client, suspend_name, {"Completed", "Failed"}, seconds=120).status == "Completed"
    with pytest.raises(HttpResponseError) as conflict:
        client.job.resume(RESOURCE_GROUP, ACCOUNT, suspend_name)
    assert conflict.value.status_code == 409


def test_weekly_and_minute_schedules_with_job_schedules(client):
    name = unique("sched-rb")
    publish(client, name, HELLO.format(name=name))
    weekly = unique("weekly")
    created = client.schedule.create_or_update(
        RESOURCE_GROUP, ACCOUNT, weekly,
        ScheduleCreateOrUpdateParameters(
            name=weekly, start_time=datetime.datetime(2030, 1, 7, 6, 0, tzinfo=datetime.timezone.utc),
            frequency="Week", interval=1, time_zone="Europe/Berlin",
            advanced_schedule={"week_days": ["Monday", "Friday"]}))
    assert created.frequency == "Week"
    assert created.next_run is not None
    assert weekly in [s.name for s in client.schedule.list_by_automation_account(RESOURCE_GROUP, ACCOUNT)]
    updated = client.schedule.update(
        RESOURCE_GROUP, ACCOUNT, weekly, ScheduleUpdateParameters(name=weekly, is_enabled=False))
    assert updated.is_enabled is False

    # A Minute schedule that fires two seconds from now: the served scheduler starts its job.
    minute = unique("minute")
    start_time = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)
    client.schedule.create_or_update(
        RESOURCE_GROUP, ACCOUNT, minute,
        ScheduleCreateOrUpdateParameters(name=minute, start_time=start_time, frequency="Minute", interval=1))
    link_id = str(uuid.uuid4())
    link = client.job_schedule.create(
        RESOURCE_GROUP, ACCOUNT, link_id,
        JobScheduleCreateParameters(
            schedule=ScheduleAssociationProperty(name=minute), runbook=RunbookAssociationProperty(name=name),
            parameters={"target": "scheduled"}))
    assert link.job_schedule_id == link_id
    with pytest.raises(HttpResponseError) as duplicate:
        client.job_schedule.create(
            RESOURCE_GROUP, ACCOUNT, str(uuid.uuid4()),
            JobScheduleCreateParameters(
                schedule=ScheduleAssociationProperty(name=minute), runbook=RunbookAssociationProperty(name=name),
                parameters={"target": "again"}))
    assert duplicate.value.status_code == 409
    deadline = time.time() + 60
    jobs = []
    while time.time() < deadline and not jobs:
        jobs = [j for j in client.job.list_by_automation_account(
            RESOURCE_GROUP, ACCOUNT, filter=f"properties/runbook/name eq '{name}'")]
        time.sleep(0.5)
    assert jobs, "the served scheduler did not start the scheduled job"
    done = wait(client, jobs[0].name, {"Completed", "Failed"})
    assert client.job.get_output(RESOURCE_GROUP, ACCOUNT, done.name) == "hello scheduled\n"

    assert link_id in [j.job_schedule_id for j in client.job_schedule.list_by_automation_account(RESOURCE_GROUP, ACCOUNT)]
    client.job_schedule.delete(RESOURCE_GROUP, ACCOUNT, link_id)
    client.schedule.delete(RESOURCE_GROUP, ACCOUNT, minute)
    client.schedule.delete(RESOURCE_GROUP, ACCOUNT, weekly)
    client.runbook.delete(RESOURCE_GROUP, ACCOUNT, name)
    with pytest.raises(ResourceNotFoundError):
        client.runbook.get(RESOURCE_GROUP, ACCOUNT, name)


def test_a_job_created_with_run_on_runs_on_a_hybrid_worker(server, client, tmp_path):
    """Azure's SDK creates a job with `run_on`; a real `runbook agent --group` claims it, runs it
    on its machine and records its output; a group no agent joined fails the job saying so."""
    import subprocess

    from conftest import BINARY

    name = unique("hybrid")
    publish(client, name, HELLO.format(name=name))
    missing = str(uuid.uuid4())
    job = client.job.create(
        RESOURCE_GROUP, ACCOUNT, missing,
        JobCreateParameters(runbook=RunbookAssociationProperty(name=name), parameters={"target": "x"},
                            run_on="nobody-here"))
    assert job.status == "Failed" and "does not exist" in job.exception

    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "os-release").write_text('ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12"\n')
    agent = subprocess.Popen(
        [BINARY, "agent", "--server", server.url, "--ca", server.certificate, "--token",
         server.token(unique("enrol"), role="agent"), "--state", str(tmp_path / "state"), "--root", str(root),
         "--name", "sdk-worker", "--group", "sdk-group"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while "sdk-group" not in runbook(server.store, "workers", "list").stdout:
            assert time.time() < deadline, "the worker did not join its group"
            time.sleep(0.2)
        job_name = str(uuid.uuid4())
        created = client.job.create(
            RESOURCE_GROUP, ACCOUNT, job_name,
            JobCreateParameters(runbook=RunbookAssociationProperty(name=name), parameters={"target": "db02"},
                                run_on="sdk-group"))
        assert created.run_on == "sdk-group"
        done = wait(client, job_name, {"Completed", "Failed", "Stopped"})
        assert done.status == "Completed", done.exception
        assert done.run_on == "sdk-group"
        assert client.job.get_output(RESOURCE_GROUP, ACCOUNT, job_name) == "hello db02\n"
        groups = list(client.hybrid_runbook_worker_group.list_by_automation_account(RESOURCE_GROUP, ACCOUNT))
        assert "sdk-group" in [g.name for g in groups]
        group = client.hybrid_runbook_worker_group.get(RESOURCE_GROUP, ACCOUNT, "sdk-group")
        assert group.properties.group_type == "User"
        workers = list(client.hybrid_runbook_workers.list_by_hybrid_runbook_worker_group(
            RESOURCE_GROUP, ACCOUNT, "sdk-group"))
        assert [w.properties.worker_name for w in workers] == ["sdk-worker"]
        assert workers[0].properties.worker_type == "HybridV2" and workers[0].properties.last_seen_date_time
        worker = client.hybrid_runbook_workers.get(RESOURCE_GROUP, ACCOUNT, "sdk-group", workers[0].name)
        assert worker.properties.worker_name == "sdk-worker"

        # A job schedule with run_on: its fire's job runs on the group's worker.
        minute = unique("minute")
        client.schedule.create_or_update(
            RESOURCE_GROUP, ACCOUNT, minute,
            ScheduleCreateOrUpdateParameters(
                name=minute, frequency="Minute", interval=1,
                start_time=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)))
        link_id = str(uuid.uuid4())
        link = client.job_schedule.create(
            RESOURCE_GROUP, ACCOUNT, link_id,
            JobScheduleCreateParameters(
                schedule=ScheduleAssociationProperty(name=minute), runbook=RunbookAssociationProperty(name=name),
                parameters={"target": "fired"}, run_on="sdk-group"))
        assert link.run_on == "sdk-group"
        assert client.job_schedule.get(RESOURCE_GROUP, ACCOUNT, link_id).run_on == "sdk-group"
        deadline = time.time() + 90
        fired = []
        while time.time() < deadline and not fired:
            fired = [j for j in client.job.list_by_automation_account(
                RESOURCE_GROUP, ACCOUNT, filter=f"properties/runbook/name eq '{name}'")
                if j.name not in (job_name, missing)]
            time.sleep(0.5)
        assert fired, "the schedule's fire did not create its job"
        done = wait(client, fired[0].name, {"Completed", "Failed", "Stopped"})
        assert done.status == "Completed" and done.run_on == "sdk-group", done.exception
        assert client.job.get_output(RESOURCE_GROUP, ACCOUNT, done.name) == "hello fired\n"
        client.job_schedule.delete(RESOURCE_GROUP, ACCOUNT, link_id)
        client.schedule.delete(RESOURCE_GROUP, ACCOUNT, minute)
    finally:
        agent.terminate()
        agent.wait(timeout=30)
