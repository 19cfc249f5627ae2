"""A reader floods the query API with costly queries while a contributor reads: how long the
contributor waits, what the readers are told, and the server's peak memory (issue 20).

  python bench/bounded_work.py BINARY ROUNDS
Starts `runbook serve` on a fresh store (plain http on loopback), two reader tokens each send
ROUNDS waves of 6 costly queries at once (a regex over a 1,000,000-character value, 5 s time
limit); meanwhile a contributor sends GET account requests one after another. Prints the
contributor's p50/p99/max latency, the readers' 200/429 counts and the server's VmHWM."""

import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

binary, rounds = sys.argv[1], int(sys.argv[2])
store = tempfile.mkdtemp(prefix="runbook-bounded-bench-")
env = dict(os.environ, RUNBOOK_STORE=store)
for step in (["run", "enable-tracking"], ["run", "scan"]):
    subprocess.run([binary, *step], env=env, check=True, capture_output=True)


def token(name, role):
    out = subprocess.run([binary, "token", "create", name, "--role", role, "--json"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out)["token"]


readers = [token("r1", "reader"), token("r2", "reader")]
contributor = token("c", "contributor")
workspace = json.loads(subprocess.run([binary, "account", "show", "--json"], env=env, check=True,
                                      capture_output=True, text=True).stdout)["workspaceId"]
server = subprocess.Popen([binary, "serve", "--port", "0"], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True)
port = None
while port is None:
    match = re.search(r"127\.0\.0\.1:(\d+)", server.stdout.readline())
    port = int(match.group(1)) if match else None

HEAVY = ('Heartbeat | take 1 | extend a="eeeeeeeeee" | extend b=replace_string(a,"e",a) '
         '| extend c=replace_string(b,"e",b) | extend d=replace_string(c,"e",b) '
         '| where d matches regex "e{0,1000}x" | count')
aa = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/runbook-local/providers/"
      "Microsoft.Automation/automationAccounts/automation-default?api-version=2024-10-23")
statuses, latencies, done = [], [], threading.Event()


def heavy(reader):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    connection.request("POST", f"/v1/workspaces/{workspace}/query", body=json.dumps({"query": HEAVY}),
                       headers={"Authorization": f"Bearer {reader}", "Content-Type": "application/json",
                                "Prefer": "wait=5"})
    response = connection.getresponse()
    response.read()
    statuses.append(response.status)


def contributor_reads():
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while not done.is_set():
        start = time.perf_counter()
        connection.request("GET", aa, headers={"Authorization": f"Bearer {contributor}"})
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        latencies.append(time.perf_counter() - start)
        time.sleep(0.05)


reader_thread = threading.Thread(target=contributor_reads)
reader_thread.start()
for _ in range(rounds):
    wave = [threading.Thread(target=heavy, args=(readers[i % 2],)) for i in range(6)]
    for thread in wave:
        thread.start()
    for thread in wave:
        thread.join()
done.set()
reader_thread.join()
peak = [line for line in open(f"/proc/{server.pid}/status") if line.startswith("VmHWM")][0].split()[1]
server.terminate()
server.wait(timeout=60)
latencies.sort()
print(f"contributor GETs: {len(latencies)}, p50 {statistics.median(latencies) * 1000:.1f} ms, "
      f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms")
print(f"reader queries: {statuses.count(200)} answered (partial at 5 s), {statuses.count(429)} refused with 429")
print(f"server peak resident memory (VmHWM): {int(peak) / 1024:.0f} MiB")
