"""Real `maitred serve` processes for tests: `--demo` as a newcomer starts it (the tests that
replay what the README's first command gives), and a server on the test database, with its keys,
that a test may kill and start again (tests/crash, tests/bookings/test_concurrency.py)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from maitred.config import Settings

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(settings: Settings, home: Path, **extra: str) -> dict[str, str]:
    """The environment of a server on the test database (SQLite file or
    MAITRED_TEST_DATABASE_URL) with the test's keys, so the test can read what it stores; rate
    limits, the embedded worker and info logs off unless `extra` says otherwise."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "MAITRED_DATA_DIR": str(home / "data"),
        "MAITRED_DATABASE_URL": settings.database_url,
        "MAITRED_SECRET_KEY": settings.secret_key,
        "MAITRED_ENCRYPTION_KEYS": settings.encryption_keys,
        "MAITRED_BLIND_INDEX_KEY": settings.blind_index_key,
        "MAITRED_RATE_LIMIT_ENABLED": "false",
        "MAITRED_EMBEDDED_WORKER": "false",
        "MAITRED_LOG_LEVEL": "WARNING",
        **extra,
    }


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


@dataclass
class Server:
    base_url: str
    log: Path
    process: asyncio.subprocess.Process  # a test may kill it; `serving` reaps it either way

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@contextlib.asynccontextmanager
async def serving(settings: Settings, home: Path, **more_env: str) -> AsyncIterator[Server]:
    """`maitred serve --no-migrate` on the test database (`server_env`, `more_env` over it) with
    its own public URL, once /health answers 200; stopped (SIGTERM) on exit."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(settings, home, MAITRED_PUBLIC_URL=base, **more_env)
    log = home / "server.log"
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            str(BIN / "maitred"),
            "serve",
            "--no-migrate",
            "--port",
            str(port),
            cwd=home,
            env=env,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
        )
    running = Server(base, log, process)
    try:
        # A deadline, not a count of tries: on a loaded machine the app takes tens of seconds
        # to import, and each try takes longer.
        deadline = asyncio.get_running_loop().time() + 120
        async with httpx.AsyncClient(base_url=base, timeout=5) as client:
            while True:
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.returncode is None, running.log_tail()
                if asyncio.get_running_loop().time() > deadline:
                    pytest.fail(f"the server did not start:\n{running.log_tail()}")
                await asyncio.sleep(0.05)
        yield running
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=30)
