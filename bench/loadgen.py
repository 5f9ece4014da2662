"""The load generator: wrk, found or installed, run for a bounded time, its summary parsed.

wrk (C, epoll, one thread) generates far more load than one Python server process can serve, so
the figures measure the server and not the client. A small Lua script (wrk_summary.lua) sets the
method and prints wrk's exact counts and percentiles as JSON, so nothing is scraped from text
meant for humans.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SUMMARY_SCRIPT = Path(__file__).with_name("wrk_summary.lua")
SUMMARY_PREFIX = "BENCH_SUMMARY "
INSTALL_HINT = "sudo apt-get update && sudo apt-get install -y wrk"


class LoadError(Exception):
    """wrk is missing or a run of it failed; the message says what to do."""


@dataclass(frozen=True)
class LoadSettings:
    seconds: float
    connections: int
    threads: int


@dataclass(frozen=True)
class Measurement:
    requests: int
    seconds: float
    requests_per_s: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    non_2xx: int
    socket_errors: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _apt_install_wrk() -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        print(f"  $ {' '.join(command)}", flush=True)
        try:
            subprocess.run(command, env=env, check=True, timeout=600, stdout=subprocess.DEVNULL)
        except (subprocess.SubprocessError, OSError) as exc:
            raise LoadError(
                f"could not install wrk ({exc}); install it with: {INSTALL_HINT}"
            ) from exc


def ensure_wrk() -> str:
    """The path of wrk, installed with apt-get first when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise LoadError(f"wrk is not installed; install it with: {INSTALL_HINT}")
    print("wrk is not installed; installing it with apt-get (Debian package 'wrk')", flush=True)
    _apt_install_wrk()
    found = shutil.which("wrk")
    if found is None:
        raise LoadError(f"apt-get ran but wrk is still missing; install it with: {INSTALL_HINT}")
    return found


def wrk_version(wrk: str) -> str:
    done = subprocess.run([wrk, "-v"], capture_output=True, text=True, timeout=10, check=False)
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0].split(" Copyright")[0] if first else "unknown"


def parse_summary(output: str, seconds_hint: float) -> Measurement:
    """The Measurement in the BENCH_SUMMARY line that wrk_summary.lua prints."""
    line = next((x for x in output.splitlines() if x.startswith(SUMMARY_PREFIX)), None)
    if line is None:
        raise LoadError("wrk printed no summary line:\n" + output[-2000:])
    data = json.loads(line.removeprefix(SUMMARY_PREFIX))
    errors = data["errors"]
    seconds = data["duration_us"] / 1e6 or seconds_hint
    return Measurement(
        requests=int(data["requests"]),
        seconds=round(seconds, 3),
        requests_per_s=round(data["requests"] / seconds, 1),
        p50_ms=round(data["p50_us"] / 1000, 3),
        p90_ms=round(data["p90_us"] / 1000, 3),
        p99_ms=round(data["p99_us"] / 1000, 3),
        max_ms=round(data["max_us"] / 1000, 3),
        non_2xx=int(errors["status"]),
        socket_errors=int(errors["connect"] + errors["read"] + errors["write"] + errors["timeout"]),
    )


def run_wrk(
    wrk: str,
    url: str,
    method: str,
    load: LoadSettings,
    headers: Mapping[str, str] | None = None,
    script: Path = SUMMARY_SCRIPT,
    script_env: Mapping[str, str] | None = None,
) -> tuple[Measurement, str]:
    """One bounded wrk run against `url`, with `headers` on every request; the measurement and
    wrk's own report. `script` may build each request itself (it must print the summary line
    as wrk_summary.lua does); `script_env` reaches it through os.getenv."""
    command = [
        wrk,
        f"-t{load.threads}",
        f"-c{load.connections}",
        f"-d{load.seconds:g}s",
        "--latency",
        *(arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")),
        "-s",
        str(script),
        url,
    ]
    try:
        done = subprocess.run(
            command,
            env={**os.environ, "BENCH_METHOD": method, **(script_env or {})},
            capture_output=True,
            text=True,
            timeout=load.seconds + 60,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise LoadError(f"wrk did not finish within {load.seconds + 60:g} s on {url}") from exc
    if done.returncode != 0:
        raise LoadError(f"wrk failed on {url} (exit {done.returncode}): {done.stderr.strip()}")
    return parse_summary(done.stdout, load.seconds), done.stdout
