"""What a result was measured on: CPUs, versions, revision, and how idle the machine was.

Figures from a busy machine are lower and scattered; the record says so next to them.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import resource
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import loadgen

BENCH_DIR = Path(__file__).resolve().parent
PACKAGES = (
    "maitred uvicorn uvloop httptools fastapi starlette pydantic sqlalchemy aiosqlite asyncpg"
)


def package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def git_revision() -> str:
    done = subprocess.run(
        ["git", "-C", str(BENCH_DIR), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _cpu_times() -> tuple[int, int]:
    """(idle, total) jiffies of all CPUs since boot (guest time is already in user time)."""
    first_line = Path("/proc/stat").read_text().split("\n", 1)[0]
    fields = [int(x) for x in first_line.split()[1:9]]
    return fields[3] + fields[4], sum(fields)


def busy_cpu_seconds() -> float:
    """CPU time all CPUs have spent busy since boot, whoever used it (NaN when unknown)."""
    try:
        idle, total = _cpu_times()
    except (OSError, ValueError, IndexError):
        return float("nan")
    return (total - idle) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    """CPU time of this process's finished children (the wrk runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def idle_share(seconds: float = 1.0) -> float | None:
    """How idle the machine is before the run: other work skews the figures and their ratios."""
    try:
        idle1, total1 = _cpu_times()
        time.sleep(seconds)
        idle2, total2 = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    return (idle2 - idle1) / max(total2 - total1, 1)


def machine_info(wrk: str, database: str, workers: int = 1) -> dict[str, Any]:
    versions = {name: package_version(name) for name in PACKAGES.split()}
    server = (
        f"uvicorn {versions['uvicorn']} (uvloop {versions['uvloop']}, httptools "
        f"{versions['httptools']}), {workers} worker{'s' if workers > 1 else ''}, 127.0.0.1"
    )
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "server": server,
        "load_generator": loadgen.wrk_version(wrk),
        "idle_before_run": idle_share(),
        "database": database,
        "git": git_revision(),
        "versions": versions,
    }


def print_machine(machine: dict[str, Any]) -> None:
    print(f"machine: {machine['nproc']} CPUs ({machine['cpu']}), Python {machine['python']}")
    print(f"server:  {machine['server']}; load: {machine['load_generator']}")
    print(f"maitred: {machine['versions']['maitred']} at {machine['git']}, {machine['database']}")
    idle = machine["idle_before_run"]
    if idle is not None and idle < 0.9:
        print(
            f"warning: the CPUs were only {idle:.0%} idle before the run; other processes "
            "will lower and scatter the figures"
        )


def save_results(
    kind: str, machine: dict[str, Any], args: argparse.Namespace, rows: list[Any]
) -> Path:
    """A run's machine, arguments and rows as JSON (`--output`, or
    bench/results/<kind>-<UTC time>.json), printed and returned."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    output = args.output or BENCH_DIR / "results" / f"{kind}-{stamp}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    document = {"machine": machine, "args": vars(args) | {"output": None}, "rows": rows}
    output.write_text(json.dumps(document, indent=2, default=str) + "\n")
    print(f"\nresults: {output}")
    return Path(output)
