"""No-op jobs through the API. Latency: one client creates a job and polls it until Completed,
100 times (create to Completed as the client sees it, p50/p99). Throughput: N clients create
jobs for S seconds; jobs/s from the first create to the last job ended."""

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


def latency(count=100):
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    times = []
    for _ in range(count):
        name = str(uuid.uuid4())
        start = time.perf_counter()
        connection.request("PUT", f"{aa}/jobs/{name}?api-version=2024-10-23", body=body, headers=headers)
        connection.getresponse().read()
        while True:
            connection.request("GET", f"{aa}/jobs/{name}?api-version=2024-10-23", headers=headers)
            job = json.loads(connection.getresponse().read())
            if job["properties"]["status"] in ("Completed", "Failed", "Stopped"):
                break
            time.sleep(0.002)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"API no-op job, one client: create to Completed p50 {times[len(times) // 2]:.1f} ms, "
          f"p99 {times[min(len(times) - 1, int(0.99 * len(times)))]:.1f} ms (100 jobs, polled every 2 ms)")


latency()
stop_at = time.time() + seconds
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
print(f"API no-op jobs, {clients} clients for {seconds:.0f}s: {len(created)} created, {completed} Completed, "
      f"{len(created) / (finished - started):.0f} jobs/s sustained (first create to the last one ended); "
      f"with the queue this deep, create to Completed p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms")
