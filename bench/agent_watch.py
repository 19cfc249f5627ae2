"""Watches a real `runbook agent` for bench/agent-wire.sh and bench/agent-change-latency.sh.
Standard library only.

    agent_watch.py tree ROOT COUNT
        ROOT/etc/os-release (Debian 12) and COUNT files ROOT/etc/bench/fNNNNN.conf.
    agent_watch.py wire STATUS_URL AGENT_PID ROOT DATABASE MACHINE INTERVALS [CHANGED]
        Bytes through the gateway (its GET /status counters) per interval of the agent: the
        agent's traffic comes in bursts (configuration, collection, upload, heartbeat), one per
        interval; a burst is counter movement with less than 5 s of quiet inside it. First the
        start (enrolment, settings, baseline), then INTERVALS bursts with nothing changed, then
        CHANGED (default INTERVALS) bursts each after one file was changed (a line appended to
        one file, 5 s after the previous burst). Prints JSON.
    agent_watch.py latency DATABASE MACHINE ROOT COUNT
        COUNT times: appends a line to one tracked file, then polls the store (SQLite, read
        only, every 5 ms) until the ConfigurationChange row of that file appears; the next
        change 1 to 2.5 s (random) later. Prints JSON.
"""

import datetime
import json
import os
import random
import sqlite3
import sys
import time
import urllib.request


def tree(root, count):
    os.makedirs(f"{root}/etc/bench", exist_ok=True)
    with open(f"{root}/etc/os-release", "w") as f:
        f.write('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
                'VERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian\n')
    for i in range(count):
        with open(f"{root}/etc/bench/f{i:05d}.conf", "w") as f:
            f.write(f"# bench file {i}\nkey{i} = value {i}\n")


def change(root, index, text):
    with open(f"{root}/etc/bench/f{index:05d}.conf", "a") as f:
        f.write(text + "\n")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def changes(database, machine):
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        return db.execute("SELECT COUNT(*) FROM configurationChange WHERE computer = ?", (machine,)).fetchone()[0]


def last_sequence(database, machine):
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        row = db.execute("SELECT a.lastSequence FROM agent a JOIN machine m ON m.id = a.machineId WHERE m.name = ?",
                         (machine,)).fetchone()
    return row[0] if row else 0


def wire(status_url, agent_pid, root, database, machine, intervals, changed_intervals):
    def counters():
        status = json.load(urllib.request.urlopen(status_url, timeout=5))
        return status["bytesUp"], status["bytesDown"], status["tunnelsTotal"]

    def burst(timeout, first=None):
        """Waits for counter movement (from `first`, else from now), then for 5 s of quiet."""
        first = first or counters()
        deadline = time.time() + timeout
        while counters() == first:
            if time.time() > deadline:
                raise SystemExit("no traffic from the agent")
            time.sleep(0.05)
        began, cpu, last, moved = time.time(), cpu_seconds(agent_pid), counters(), time.time()
        while True:
            while time.time() - moved < 5:
                time.sleep(0.05)
                now = counters()
                if now != last:
                    last, moved = now, time.time()
            # A few bytes alone (a TLS close_notify of a connection closed at idle) are not an
            # interval's exchange: they are counted with the next burst.
            if last[0] + last[1] - first[0] - first[1] >= 150:
                break
            while counters() == last:
                time.sleep(0.05)
            moved = time.time()
        return {"up": last[0] - first[0], "down": last[1] - first[1], "tunnels": last[2] - first[2],
                "seconds": moved - began, "at": began, "agentCpuAtStart": cpu}

    start = burst(120, first=(0, 0, 0))
    # The start's burst must have carried the baseline (the first upload) and its answer.
    deadline = time.time() + 120
    while last_sequence(database, machine) < 1:
        if time.time() > deadline:
            raise SystemExit("the agent's baseline was not stored")
        time.sleep(0.2)
    quiet = []
    for k in range(intervals):
        quiet.append(burst(600))
        print(f"interval without change {k + 1}: {quiet[-1]}", file=sys.stderr, flush=True)
    changed = []
    for k in range(changed_intervals):
        time.sleep(5)
        before = changes(database, machine)
        change(root, 100 + k, f"changed {k}")
        figures = burst(600)
        time.sleep(0.5)
        figures["changesStored"] = changes(database, machine) - before
        changed.append(figures)
        print(f"interval with one change {k + 1}: {figures}", file=sys.stderr, flush=True)
    print(json.dumps({"start": start, "quiet": quiet, "changed": changed}))


def latency(database, machine, root, count):
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    last = db.execute("SELECT COALESCE(MAX(id), 0) FROM configurationChange").fetchone()[0]
    samples = []
    for k in range(count):
        time.sleep(random.uniform(1.0, 2.5))
        index = k % 10
        key = f"/etc/bench/f{index:05d}.conf"
        change(root, index, f"change {k} at {time.time()}")
        written = time.time()
        deadline = written + 30
        row = None
        while row is None and time.time() < deadline:
            time.sleep(0.005)
            row = db.execute(
                "SELECT id, timeGenerated FROM configurationChange WHERE id > ? AND computer = ? AND itemKey = ?",
                (last, machine, key)).fetchone()
        seen = time.time()
        if row is None:
            samples.append({"visible": None})
            print(f"change {k + 1}: no row after 30 s", file=sys.stderr, flush=True)
            continue
        last = row[0]
        generated = datetime.datetime.fromisoformat(row[1]).replace(tzinfo=datetime.timezone.utc).timestamp()
        samples.append({"visible": seen - written, "generated": generated - written})
        print(f"change {k + 1}: row visible after {seen - written:.3f} s "
              f"(TimeGenerated {generated - written:+.3f} s)", file=sys.stderr, flush=True)
    print(json.dumps(samples))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "tree":
        tree(sys.argv[2], int(sys.argv[3]))
    elif command == "wire":
        wire(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6], int(sys.argv[7]),
             int(sys.argv[8]) if len(sys.argv) > 8 else int(sys.argv[7]))
    elif command == "latency":
        latency(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        raise SystemExit(__doc__)
