"""The garbage collector's passes during a measurement (bench/pages_profile.py,
bench/profile_reads.py): a full pass over a big heap stalls every request in flight, which is
the p99 of a loaded server more than any request's own CPU."""

from __future__ import annotations

import gc
import time
from typing import Any


class GcPauses:
    """The garbage collector's passes while a page is measured: full (generation 2) and young
    ones, and the longest pause (a full pass over a big heap stalls every request in flight)."""

    def __init__(self) -> None:
        self.started = 0.0
        gc.callbacks.append(self.observe)
        self.reset()

    def reset(self) -> None:
        self.full, self.young, self.worst = 0, 0, 0.0

    def observe(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
            return
        if info["generation"] == 2:
            self.full += 1
        else:
            self.young += 1
        self.worst = max(self.worst, (time.perf_counter() - self.started) * 1000)

    def close(self) -> None:
        gc.callbacks.remove(self.observe)
