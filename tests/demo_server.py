"""`maitred serve --demo` as a newcomer starts it: a real server process in a scratch directory,
for the tests that replay requests against what the README's first command gives."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_serving(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120  # migrations and the demo's data first (~15 s)
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("maitred serve did not start")


@contextmanager
def demo_server(workdir: Path, **settings: str) -> Iterator[str]:
    """Yields the base URL of `maitred serve --demo` run in `workdir` with only PATH, HOME, a
    data directory and `settings` (MAITRED_* variables) in its environment; stopped on exit."""
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(workdir),
        "MAITRED_DATA_DIR": str(workdir / "data"),
        **settings,
    }
    server = subprocess.Popen(
        [str(BIN / "maitred"), "serve", "--demo", "--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(base, server)
        yield base
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
