"""Simulated agents against `runbook serve`: uploads stored per second, and latency at a fixed rate.

Standard library only. Each simulated agent is a thread with one keep-alive HTTPS connection
(http.client, an ssl context that trusts the service's certificate) and speaks the agent
protocol of docs/AGENTS.md: it enrols with an agent token, reads its configuration, sends a
heartbeat and its baseline (a full upload), then uploads of one changed item each, numbered 1,
2, 3... Bodies over 512 bytes are gzipped, as `runbook agent` sends them.

    agent_ingest.py TARGETS.json AGENTS ROUNDS SUSTAIN_SECONDS RATE

TARGETS.json is a list of {"label", "url", "ca", "token", "pids": [server pid, ...]}. All targets
are prepared first (AGENTS agents enrolled on each, baselines stored); then, side by side:

- ROUNDS burst rounds, alternating between the targets: every agent sends one upload of one
  changed item at once (a barrier between rounds); the rate of a round is AGENTS over the time
  from the first send to the last answer;
- SUSTAIN_SECONDS at RATE uploads per second on each target in turn: agent i sends every
  AGENTS / RATE seconds, the agents' phases spread evenly; latency of each upload, request
  written to answer read. An agent waits for its answer before its next upload, so a service
  that falls behind stretches the phase: the achieved rate is over the time to the last answer.

Every answer must be 200 {"outcome": "stored", "changes": 1}; anything else is counted and
printed. The CPU time of the targets' processes (/proc) is read around each phase. Prints one
JSON object with the figures on standard output; progress on standard error.
"""

import datetime
import gzip
import http.client
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse

# Items of each machine's baseline (ITEMS in the environment); the uploads change the first.
BASELINE_ITEMS = int(os.environ.get("ITEMS", "10"))


def log(message):
    print(message, file=sys.stderr, flush=True)


def now_text():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


def cpu_seconds(pids, children=True):
    """User + system CPU seconds of the processes and their children (PostgreSQL's backends)."""
    ticks = os.sysconf("SC_CLK_TCK")
    wanted = set(pids)
    # Children of a listed pid (one level: PostgreSQL's postmaster forks its backends).
    for entry in os.listdir("/proc") if children else []:
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[1]) in pids:
                    wanted.add(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    total = 0.0
    for pid in wanted:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        except (OSError, IndexError, ValueError):
            pass
    return total


class Agent:
    def __init__(self, target, index):
        self.target = target
        self.name = f"sim-{target['label']}-{index:03d}"
        self.sequence = 0
        self.version = None
        self.credential = None
        parts = urllib.parse.urlsplit(target["url"])
        if parts.scheme == "https":
            context = ssl.create_default_context(cafile=target["ca"])
            self.connect = lambda: http.client.HTTPSConnection(parts.hostname, parts.port, context=context, timeout=300)
        else:
            self.connect = lambda: http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
        self.connection = self.connect()
        self.reconnects = 0
        self.last_used = time.time()
        self.last_retry = None

    def call(self, method, path, body=None, authorization=None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json", "User-Agent": "bench-agent/1.0"}
        # As runbook agent does: a body over 512 bytes goes gzipped.
        if data is not None and len(data) > 512:
            data = gzip.compress(data, mtime=0)
            sent["Content-Encoding"] = "gzip"
        if authorization:
            sent["Authorization"] = authorization
        sent.update(headers or {})
        for attempt in (1, 2):
            phase = "send"
            try:
                began = time.time()
                self.connection.request(method, path, body=data, headers=sent)
                phase = "answer"
                response = self.connection.getresponse()
                answer = response.status, response.getheaders(), response.read()
                self.last_used = time.time()
                return answer
            except (http.client.RemoteDisconnected, ConnectionError, http.client.CannotSendRequest,
                    http.client.ResponseNotReady, BrokenPipeError, ssl.SSLEOFError) as error:
                # The service closed an idle keep-alive connection: open another (counted) and
                # send again, as an agent sends its spooled upload again.
                if attempt == 2:
                    raise
                self.reconnects += 1
                self.last_retry = (f"{method} {path}: {type(error).__name__} while waiting for the {phase} "
                                   f"{time.time() - began:.3f} s after sending, idle {began - self.last_used:.1f} s "
                                   "before; sent again")
                self.connection.close()
                self.connection = self.connect()

    def enrol(self):
        status, _, body = self.call("POST", "/agent/v1/enroll", {
            "name": self.name, "os": "Debian 12", "addresses": ["10.0.0.1"], "version": "1.0.0", "gateway": None,
        }, authorization="Bearer " + self.target["token"])
        if status != 201:
            raise SystemExit(f"{self.name}: enrolment answered {status}: {body[:300]!r}")
        self.credential = "Agent " + json.loads(body)["credential"]
        status, _, body = self.call("GET", "/agent/v1/configuration", authorization=self.credential)
        configuration = json.loads(body)
        if status != 200 or not configuration["enabled"]:
            raise SystemExit(f"{self.name}: configuration {status}, enabled {configuration.get('enabled')}")
        self.version = configuration["version"]
        status, _, body = self.call("POST", "/agent/v1/heartbeat", {
            "version": "1.0.0", "gateway": None, "droppedBatches": 0, "spooled": 0}, authorization=self.credential)
        if status != 204:
            raise SystemExit(f"{self.name}: heartbeat answered {status}: {body[:300]!r}")

    def item(self, index, revision):
        return {"type": "Files", "key": f"/etc/bench/f{index:05d}.conf",
                "fields": {"FileSystemPath": f"/etc/bench/f{index:05d}.conf", "Size": str(100 + revision),
                           "FileContentChecksum": f"{revision:064x}", "DateModified": now_text(),
                           "Owner": "0", "Group": "0", "Acls": "-rw-r--r--"}}

    def baseline(self):
        self.sequence += 1
        status, _, body = self.call("POST", "/agent/v1/batches", {
            "sequence": self.sequence, "full": True, "configurationVersion": self.version, "collectedAt": now_text(),
            "items": [self.item(i, 0) for i in range(BASELINE_ITEMS)], "removed": [],
            "types": ["Files", "Software", "Daemons"],
        }, authorization=self.credential)
        answer = json.loads(body) if status == 200 else {}
        if answer.get("outcome") != "stored":
            raise SystemExit(f"{self.name}: baseline answered {status}: {body[:300]!r}")

    def upload(self):
        """One upload of one changed item: (latency seconds, problem or None)."""
        self.sequence += 1
        self.last_retry = None
        body = {"sequence": self.sequence, "full": False, "configurationVersion": self.version,
                "collectedAt": now_text(), "items": [self.item(0, self.sequence)], "removed": [], "types": []}
        started = time.perf_counter()
        status, _, data = self.call("POST", "/agent/v1/batches", body, authorization=self.credential)
        elapsed = time.perf_counter() - started
        try:
            answer = json.loads(data)
        except ValueError:
            answer = {}
        if status != 200 or answer.get("outcome") != "stored" or answer.get("changes") != 1:
            return elapsed, f"{self.name} sequence {self.sequence}: {status} {data[:200]!r}" + (
                f" ({self.last_retry})" if self.last_retry else "")
        return elapsed, None


def parallel(function, items):
    errors = []

    def run(item):
        try:
            function(item)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(f"{error!r}")

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"{len(errors)} failures, first: {errors[0]}")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def burst(agents):
    """Every agent sends one upload at once: (rate, latencies, problems)."""
    gate = threading.Barrier(len(agents) + 1)
    latencies, problems, lock = [], [], threading.Lock()

    def run(agent):
        gate.wait()
        elapsed, problem = agent.upload()
        with lock:
            latencies.append(elapsed)
            if problem:
                problems.append(problem)

    threads = [threading.Thread(target=run, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return len(agents) / (time.perf_counter() - started), latencies, problems


def sustained(agents, seconds, rate):
    """Uploads at `rate` per second for `seconds`: each agent on its own period, phases spread."""
    period = len(agents) / rate
    latencies, lags, problems, lock = [], [], [], threading.Lock()
    start = time.perf_counter() + 0.5
    end = start + seconds

    def run(index, agent):
        due = start + index * period / len(agents)
        while due < end:
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            lag = time.perf_counter() - due
            elapsed, problem = agent.upload()
            with lock:
                latencies.append(elapsed)
                lags.append(lag)
                if problem:
                    problems.append(problem)
            due += period

    threads = [threading.Thread(target=run, args=(i, agent)) for i, agent in enumerate(agents)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The rate the uploads were stored at: over the window, or until the last answer if later.
    duration = max(seconds, time.perf_counter() - start)
    return len(latencies) / duration, duration, latencies, lags, problems


def main():
    targets = json.load(open(sys.argv[1]))
    count, rounds, sustain, rate = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    fleets = {}
    for target in targets:
        agents = [Agent(target, i) for i in range(count)]
        started = time.perf_counter()
        # Enrolment in 10 threads: the service checks each agent token and registers the machine.
        parallel(lambda chunk: [agent.enrol() for agent in chunk], [agents[i::10] for i in range(10)])
        enrolled = time.perf_counter() - started
        # Baselines 4 at a time (machines of many items: 100 at once would wait for each other).
        parallel(lambda chunk: [agent.baseline() for agent in chunk], [agents[i::4] for i in range(4)])
        log(f"{target['label']}: {count} agents enrolled in {enrolled:.1f} s, baselines of {BASELINE_ITEMS} items "
            f"stored in {time.perf_counter() - started - enrolled:.1f} s")
        fleets[target["label"]] = agents

    result = {"agents": count, "items": BASELINE_ITEMS, "targets": {}}
    for target in targets:
        result["targets"][target["label"]] = {"bursts": [], "burstLatencies": [], "problems": []}
    for round_number in range(1, rounds + 1):
        for target in targets:
            figures = result["targets"][target["label"]]
            cpu_before, client_before = cpu_seconds(target["pids"]), time.process_time()
            service_before = cpu_seconds(target["pids"][:1], children=False)
            burst_rate, latencies, problems = burst(fleets[target["label"]])
            figures["bursts"].append({"rate": burst_rate, "cpu": cpu_seconds(target["pids"]) - cpu_before,
                                      "serviceCpu": cpu_seconds(target["pids"][:1], children=False) - service_before,
                                      "clientCpu": time.process_time() - client_before})
            figures["burstLatencies"] += latencies
            figures["problems"] += problems
            log(f"round {round_number} {target['label']}: {burst_rate:.1f} uploads/s, "
                f"p50 {percentile(latencies, 0.5) * 1000:.0f} ms, {len(problems)} not stored")
    for target in targets:
        figures = result["targets"][target["label"]]
        cpu_before = cpu_seconds(target["pids"])
        achieved, duration, latencies, lags, problems = sustained(fleets[target["label"]], sustain, rate)
        cpu = cpu_seconds(target["pids"]) - cpu_before
        figures["sustained"] = {
            "seconds": sustain, "rate": rate, "achieved": achieved, "uploads": len(latencies),
            "p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99), "max": max(latencies),
            "lateP99": percentile(lags, 0.99), "cpuPerUpload": cpu / max(1, len(latencies)),
            "cpuShare": cpu / duration, "duration": duration,
        }
        figures["problems"] += problems
        figures["reconnects"] = sum(agent.reconnects for agent in fleets[target["label"]])
        figures["lastSequence"] = {agent.name: agent.sequence for agent in fleets[target["label"]]}
        log(f"sustained {target['label']}: {achieved:.1f} uploads/s, p50 {figures['sustained']['p50'] * 1000:.0f} ms, "
            f"p99 {figures['sustained']['p99'] * 1000:.0f} ms, {len(problems)} not stored")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
