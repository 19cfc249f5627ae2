"""Direct against through `runbook gateway`, side by side (bench/gateway-ab.sh). Standard library
Python and curl.

    gateway_ab.py SERVE_URL CA GATEWAY GATEWAY_PID PLAIN_PORT TLS_PORT BLOB_BYTES ROUNDS AGENT_TOKEN

1. `GET /healthz` of `runbook serve`, a new connection (TCP + TLS, and CONNECT through the
   gateway) per request: curl's time_total, 20 x ROUNDS requests each way, in blocks of 10
   alternating direct and gateway.
2. The same on one kept-alive connection (http.client; set_tunnel for the gateway): 400
   requests a block, ROUNDS blocks each way, alternating; and what an agent sends, `POST
   /agent/v1/heartbeat` (an agent enrolled with AGENT_TOKEN), 50 a block.
3. A download of BLOB_BYTES from a local server (bench/bulk_server.py), plain HTTP and HTTPS,
   with curl (-p -x through the gateway: a CONNECT tunnel either way), ROUNDS each, alternating;
   the gateway's CPU time during its transfers from /proc.
Prints JSON.
"""

import http.client
import json
import os
import ssl
import statistics
import subprocess
import sys
import time
import urllib.parse


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def curl(args):
    out = subprocess.run(["curl", "-s", "-S", "-f", "-o", "/dev/null", *args], check=True, capture_output=True,
                         text=True).stdout
    return [float(x) for x in out.split()]


def main():
    serve_url, ca, gateway, gateway_pid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    plain_port, tls_port, blob_bytes, rounds = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), int(sys.argv[8])
    agent_token = sys.argv[9]
    proxy = ["-p", "-x", f"http://{gateway}"]
    result = {}

    # 1. A new connection per request.
    times = {"direct": [], "gateway": []}
    for _ in range(2 * rounds):
        for way, extra in (("direct", []), ("gateway", proxy)):
            for _ in range(10):
                times[way] += curl(["--cacert", ca, "-w", "%{time_total}\n", *extra, f"{serve_url}/healthz"])
    result["newConnection"] = times

    # 2. One kept-alive connection.
    parts = urllib.parse.urlsplit(serve_url)
    context = ssl.create_default_context(cafile=ca)
    gateway_host, gateway_port = gateway.split(":")
    connections = {"direct": http.client.HTTPSConnection(parts.hostname, parts.port, context=context)}
    tunnelled = http.client.HTTPSConnection(gateway_host, int(gateway_port), context=context)
    tunnelled.set_tunnel(parts.hostname, parts.port)
    connections["gateway"] = tunnelled
    kept = {"direct": [], "gateway": []}
    rates = {"direct": [], "gateway": []}
    for _ in range(rounds):
        for way, connection in connections.items():
            block = time.perf_counter()
            for _ in range(400):
                started = time.perf_counter()
                connection.request("GET", "/healthz")
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    raise SystemExit(f"{way}: /healthz answered {response.status}")
                kept[way].append(time.perf_counter() - started)
            rates[way].append(400 / (time.perf_counter() - block))
    result["keptConnection"] = {"latencies": kept, "rates": rates}

    # An agent's heartbeat (a POST with a small JSON body) on the same connections.
    connection = connections["direct"]
    connection.request("POST", "/agent/v1/enroll", json.dumps({
        "name": "gateway-bench", "os": "Debian 12", "addresses": ["10.0.0.1"], "version": "1.0.0",
        "gateway": None}), {"Authorization": "Bearer " + agent_token, "Content-Type": "application/json"})
    response = connection.getresponse()
    credential = json.loads(response.read())["credential"]
    beat = json.dumps({"version": "1.0.0", "gateway": None, "droppedBatches": 0, "spooled": 0})
    heartbeats = {"direct": [], "gateway": []}
    for _ in range(rounds):
        for way, connection in connections.items():
            for _ in range(50):
                started = time.perf_counter()
                connection.request("POST", "/agent/v1/heartbeat", beat,
                                   {"Authorization": "Agent " + credential, "Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                if response.status != 204:
                    raise SystemExit(f"{way}: heartbeat answered {response.status}")
                heartbeats[way].append(time.perf_counter() - started)
    result["heartbeat"] = heartbeats

    # 3. Bulk downloads.
    bulk = {}
    for scheme, port, extra in (("http", plain_port, []), ("https", tls_port, ["--cacert", ca])):
        speeds = {"direct": [], "gateway": []}
        cpu = 0.0
        for _ in range(rounds):
            for way, through in (("direct", []), ("gateway", proxy)):
                before = cpu_seconds(gateway_pid)
                speed, size = curl([*extra, "-w", "%{speed_download} %{size_download}\n", *through,
                                    f"{scheme}://127.0.0.1:{port}/blob"])
                if way == "gateway":
                    cpu += cpu_seconds(gateway_pid) - before
                if int(size) != blob_bytes:
                    raise SystemExit(f"{scheme} {way}: {size} bytes, not {blob_bytes}")
                speeds[way].append(speed)
        bulk[scheme] = {"speeds": speeds, "gatewayCpuPerGiB": cpu / (rounds * blob_bytes / 2**30)}
    result["bulk"] = bulk
    print(json.dumps(result))


if __name__ == "__main__":
    main()
