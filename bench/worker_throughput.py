"""No-op jobs through the API, for a Hybrid Runbook Worker group or the service's node: COUNT jobs
created by 4 clients at once; throughput is the jobs over the time from the first creation to
the last end, read from the store's records.
    python bench/worker_throughput.py URL CA TOKEN DATABASE COUNT [GROUP]"""

import http.client
import json
import sqlite3
import ssl
import sys
import threading
import time
import uuid

url, ca, token, database, count = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
group = sys.argv[6] if len(sys.argv) > 6 else None
host, port = url.split("//")[1].split(":")
context = ssl.create_default_context(cafile=ca)
account = ("/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/runbook-local/providers/"
           "Microsoft.Automation/automationAccounts/automation-default")
properties = {"runbook": {"name": "noop"}, "parameters": {}}
if group:
    properties["runOn"] = group
body = json.dumps({"properties": properties})
names = [str(uuid.uuid4()) for _ in range(count)]


def create(part):
    connection = http.client.HTTPSConnection(host, int(port), timeout=60, context=context)
    for name in part:
        connection.request("PUT", f"{account}/jobs/{name}?api-version=2024-10-23", body=body,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        assert response.status == 201, response.status


threads = [threading.Thread(target=create, args=(names[index::4],)) for index in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
store = sqlite3.connect(database)
marks = ",".join("?" * len(names))
deadline = time.time() + 600
while time.time() < deadline:
    done = store.execute(f"SELECT COUNT(*) FROM job WHERE id IN ({marks}) AND endedAt IS NOT NULL", names).fetchone()[0]
    if done == count:
        break
    time.sleep(0.2)
first, last, completed = store.execute(
    f"SELECT MIN(julianday(createdAt)), MAX(julianday(endedAt)), SUM(status = 'Completed') FROM job "
    f"WHERE id IN ({marks})", names).fetchone()
span = (last - first) * 86400
assert completed == count, f"{completed} of {count} Completed"
print(f"{count / span:.1f}")
