"""Fire lag and throughput of one scheduler run, read from the store (bench/scheduler-benchmarks.sh).

Fire lag is the time from a fire's due time to its job's Running transition; throughput is
the jobs completed per second from the first job's start to the last job's end.
"""
import sqlite3
import sys
from datetime import datetime, timezone


def parse(text):
    return datetime.strptime(text[:23], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc)


def percentile(sorted_values, fraction):
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def main(database, label):
    db = sqlite3.connect(database)
    rows = db.execute(
        """
        SELECT f.fireTime, (SELECT MIN(at) FROM jobStatus s WHERE s.jobId = j.id AND s.status = 'Running'),
               j.startedAt, j.endedAt, j.status, j.createdAt
        FROM scheduleFire f JOIN job j ON j.id = f.jobId
        """
    ).fetchall()
    if not rows:
        sys.exit(f"{label}: no scheduled jobs in {database}")
    lags = sorted((parse(row[1]) - parse(row[0])).total_seconds() * 1000 for row in rows)
    claims = sorted((parse(row[5]) - parse(row[0])).total_seconds() * 1000 for row in rows)
    completed = [row for row in rows if row[4] == "Completed"]
    first = min(parse(row[2]) for row in completed)
    last = max(parse(row[3]) for row in completed)
    span = (last - first).total_seconds()
    print(
        f"{label}: {len(rows)} fires, {len(completed)} completed; "
        f"due to New (claimed) p50 {percentile(claims, 0.5):.1f} ms, p99 {percentile(claims, 0.99):.1f} ms; "
        f"due to Running p50 {percentile(lags, 0.5):.1f} ms, p99 {percentile(lags, 0.99):.1f} ms, "
        f"min {lags[0]:.1f} ms, max {lags[-1]:.1f} ms; "
        f"throughput {len(completed) / span:.0f} jobs/s over {span:.2f} s"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
