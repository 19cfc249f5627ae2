"""PyYAML with the C loader over the same runbooks: the baseline the loader must beat by 3x."""
import os
import statistics
import sys
import time

import yaml

folder = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 15
assert yaml.__with_libyaml__, "PyYAML was built without libyaml"
paths = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".yaml"))
times = []
for _ in range(rounds):
    start = time.perf_counter()
    for path in paths:
        with open(path, "rb") as handle:
            yaml.load(handle, Loader=yaml.CSafeLoader)
    times.append(time.perf_counter() - start)
print("PyYAML CSafeLoader        %8.2f us/runbook" % (statistics.median(times) / len(paths) * 1e6))
