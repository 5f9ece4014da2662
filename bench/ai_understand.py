"""The offline understanding engine in one process: load time, memory, and per-call latency
over the labelled utterances (no HTTP, no database).

    .venv/bin/python bench/ai_understand.py
"""

from __future__ import annotations

import resource
import statistics
import time
from datetime import datetime

from tests.ai.score_nlu import DEMO, SPLITS, load

from maitred.ai.nlu.understand import understand, warm_up


def main() -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    warm_up()
    loaded = time.perf_counter() - started
    cases = [case for path in SPLITS.values() for case in load(path)]
    timings: list[float] = []
    cpu: list[float] = []
    first: list[float] = []  # each text's first reading: nothing of it kept yet
    for round_ in range(3):
        for case in cases:
            now = datetime.fromisoformat(case["now"])
            started, started_cpu = time.perf_counter(), time.process_time()
            understand(case["text"], now=now, context=DEMO)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            if round_ == 0:
                first.append(cpu[-1])
    timings.sort()
    cpu.sort()
    first.sort()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"load + warm-up {loaded:.2f} s; "
        f"peak RSS {peak / 1024:.0f} MB (before {before / 1024:.0f} MB)"
    )
    for name, values in (("wall", timings), ("CPU", cpu), ("CPU, first reading", first)):
        print(
            f"{len(values)} calls, {name} time: p50 {statistics.median(values):.1f} ms, "
            f"p99 {values[int(len(values) * 0.99)]:.1f} ms, max {values[-1]:.1f} ms"
        )


if __name__ == "__main__":
    main()
