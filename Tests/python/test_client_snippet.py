"""`runbook account show --client` prints a Python client with the store's names (issue 21, item
2): run as printed, against a real `runbook serve`, it starts a job, reads its output and queries
the workspace."""

import os
import subprocess
import sys

from conftest import ROOT, runbook


def test_the_printed_client_runs_as_printed(server, tmp_path):
    snippet = runbook(server.store, "account", "show", "--client", "--url", server.url).stdout
    assert server.certificate in snippet
    path = tmp_path / "client.py"
    path.write_text(snippet)
    env = dict(os.environ, RUNBOOK_TOKEN=server.token("client-snippet"))
    result = subprocess.run([sys.executable, str(path)], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert "[[" in result.stdout, result.stdout
