"""schemathesis against the running server with schemas/openapi.json: no 5xx and no response
that breaks the document, over more than a thousand generated requests (issue 10)."""

import os
import subprocess
import tempfile
import sys

from conftest import ROOT, unique

HERE = os.path.dirname(os.path.abspath(__file__))


def test_no_server_error_and_every_response_fits_the_document(server):
    token = server.token(unique("schemathesis"))
    schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    result = subprocess.run(
        [schemathesis, "--config-file", os.path.join(HERE, "schemathesis.toml"), "run",
         os.path.join(ROOT, "schemas", "openapi.json"), "--url", server.url,
         "--header", f"Authorization: Bearer {token}", "--tls-verify", server.certificate,
         "--max-examples", "20", "--seed", "1", "--checks", "all",
         # Valid-looking requests for resources that do not exist are rightly refused (404, 400):
         # the document cannot know the store's contents.
         "--exclude-checks", "positive_data_acceptance"],
        # Its example cache goes to a scratch folder, never into the repository.
        cwd=tempfile.mkdtemp(prefix="schemathesis-"), capture_output=True, text=True, timeout=900)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    generated = [line for line in output.splitlines() if " generated" in line]
    assert generated, output[-2000:]
    count = int(generated[-1].split()[0])
    assert count >= 300, generated[-1]
