"""No-op jobs through the API: N clients create jobs for S seconds (PUT .../jobs/{guid}), then
the store says when each was created and ended: create-to-Completed p50/p99 and jobs/s."""

import http.client
import json
import sqlite3
import sys
import threading
import time
import uuid

url, token, clients, seconds, database = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
host, port = url.split("//")[1].split(":")
aa = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/runbook-local/providers/"
      "Microsoft.Automation/automationAccounts/automation-default")
body = json.dumps({"properties": {"runbook": {"name": "noop"}, "parameters": {}}})
created, lock = [], threading.Lock()
stop_at = time.time() + seconds


def client():
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    while time.time() < stop_at:
        name = str(uuid.uuid4())
        connection.request("PUT", f"{aa}/jobs/{name}?api-version=2024-10-23", body=body,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        if response.status == 201:
            with lock:
                created.append(name)


threads = [threading.Thread(target=client) for _ in range(clients)]
started = time.time()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
# Wait for the queue to drain.
store = sqlite3.connect(database)
deadline = time.time() + 300
marks = ",".join("?" * len(created))
while time.time() < deadline:
    done = store.execute(f"SELECT COUNT(*) FROM job WHERE id IN ({marks}) AND endedAt IS NOT NULL", created).fetchone()[0]
    if done == len(created):
        break
    time.sleep(0.2)
finished = time.time()
rows = store.execute(
    f"SELECT (julianday(endedAt) - julianday(createdAt)) * 86400000.0, status FROM job WHERE id IN ({marks})",
    created).fetchall()
latencies = sorted(row[0] for row in rows if row[0] is not None)
completed = sum(1 for row in rows if row[1] == "Completed")
p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(f"API no-op jobs, {clients} clients for {seconds:.0f}s: {len(created)} created, {completed} Completed; "
      f"create to Completed p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms; "
      f"{len(created) / (finished - started):.0f} jobs/s sustained (creation to the last one ended)")
