"""The two servers under load: `maitred serve` and bench/ceilings.py, on free loopback ports.

Both run as child processes in their own session (Ctrl-C reaches only run.py, which then stops
them in order), with their output in log files of the run's temporary directory, and are told
apart only by the application they serve.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
CEILINGS_SCRIPT = Path(__file__).with_name("ceilings.py")
ADMIN_EMAIL = "bench@example.com"
ADMIN_PASSWORD = "bench-password-2026"
ORG_NAME = "Bench Co"
START_TIMEOUT = 180.0  # a loaded machine takes a minute to import the app
STOP_TIMEOUT = 15.0
# Long enough that the access token signed in once before the load outlives any run.
ACCESS_TOKEN_MINUTES = 600
# The limiter stays on (its cost is part of every request) but never denies the load.
NEVER_REFUSE = "1000000000/minute"


class ServerError(Exception):
    """A server did not start, or the database could not be prepared."""


@dataclass(frozen=True)
class Organization:
    slug: str
    id: str


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process, all its threads, so far."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = Path(f"/proc/{self.process.pid}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return float("nan")

    def log_tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def new_secret_key() -> str:
    """The run's MAITRED_SECRET_KEY, given to both servers: the ceiling checks maitred's tokens."""
    return secrets.token_urlsafe(48)


def maitred_env(workdir: Path, database_url: str, secret_key: str) -> dict[str, str]:
    """This machine's environment without any MAITRED_* setting, plus the benchmark's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAITRED_")}
    env.update(
        MAITRED_DATA_DIR=str(workdir),
        MAITRED_DATABASE_URL=database_url,
        MAITRED_LOG_LEVEL="WARNING",
        MAITRED_SECRET_KEY=secret_key,
        MAITRED_ACCESS_TOKEN_MINUTES=str(ACCESS_TOKEN_MINUTES),
        MAITRED_RATE_LIMIT_PUBLIC=NEVER_REFUSE,
        MAITRED_RATE_LIMIT_LOGIN=NEVER_REFUSE,
        MAITRED_RATE_LIMIT_AUTHENTICATED=NEVER_REFUSE,
        MAITRED_RATE_LIMIT_ADMIN=NEVER_REFUSE,
    )
    return env


def create_organization(workdir: Path, env: dict[str, str]) -> Organization:
    """`maitred create-admin` (which also migrates): the organization the reads will fetch."""
    command = [sys.executable, "-m", "maitred", "create-admin", "--email", ADMIN_EMAIL]
    command += ["--password", ADMIN_PASSWORD, "--org-name", ORG_NAME]
    done = subprocess.run(
        command, env=env, cwd=workdir, capture_output=True, text=True, timeout=300, check=False
    )
    found = re.search(r"\(slug (\S+), id ([0-9a-f-]{36})\)", done.stdout)
    if done.returncode != 0 or found is None:
        raise ServerError(f"maitred create-admin failed:\n{done.stdout}{done.stderr}")
    return Organization(slug=found[1], id=found[2])


def start(name: str, command: list[str], env: dict[str, str], workdir: Path, port: int) -> Server:
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    return Server(name=name, process=process, port=port, log=log)


def start_maitred(workdir: Path, env: dict[str, str], workers: int = 1) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "maitred", "serve", "--host", HOST, "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    return start("maitred", [*command, "--no-migrate"], env, workdir, port)


def start_worker(workdir: Path, env: dict[str, str]) -> Server:
    """`maitred worker`: the outbox and scheduled work, apart from the API processes."""
    command = [sys.executable, "-m", "maitred", "worker"]
    return start("worker", command, env, workdir, 0)


def start_ceilings(workdir: Path, database_url: str, pool_size: int, secret_key: str) -> Server:
    port = free_port()
    command = [sys.executable, str(CEILINGS_SCRIPT), "--host", HOST, "--port", str(port)]
    command += ["--database-url", database_url, "--pool-size", str(pool_size)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAITRED_")}
    env["MAITRED_SECRET_KEY"] = secret_key  # to check maitred's access tokens
    return start("ceilings", command, env, workdir, port)


def public_booking_form(name: str, phone: str, email: str, day: str) -> dict[str, Any]:
    """bench/wrk_public_booking.lua's request body, for the in-process profilers."""
    return {
        "name": name,
        "phone": phone,
        "email": email,
        "event_date": day,
        "event_time": "18:00",
        "guest_count": 12,
        "event_type": "birthday",
        "location": "Folsom, CA 95630",
        "message": "Backyard party",
        "source": "booking_form",
        "honeypot": "",
    }


def fetch(
    url: str,
    method: str = "GET",
    timeout: float = 5.0,
    headers: dict[str, str] | None = None,
    body: Any = None,
) -> tuple[int, Any]:
    """Status and decoded JSON body (None when not JSON) of one request; `body` is sent as
    JSON."""
    data = json.dumps(body).encode() if body is not None else b"" if method == "POST" else None
    all_headers = {**(headers or {})}
    if body is not None:
        all_headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, method=method, data=data, headers=all_headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, None


def sign_in(server: Server) -> str:
    """An access token of the run's admin: one `POST /api/v1/auth/login` before any load."""
    credentials = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    status, body = fetch(
        server.base_url + "/api/v1/auth/login", "POST", timeout=30.0, body=credentials
    )
    if status != 200 or not isinstance(body, dict) or "access_token" not in body:
        raise ServerError(f"signing in to {server.name} failed: HTTP {status} {body}")
    return str(body["access_token"])


def wait_until_ready(server: Server, path: str, timeout: float = START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerError(
                f"{server.name} exited with {server.process.returncode} while starting:\n"
                + server.log_tail()
            )
        with contextlib.suppress(OSError):
            if fetch(server.base_url + path, timeout=1.0)[0] == 200:
                return
        time.sleep(0.1)
    raise ServerError(
        f"{server.name} did not answer {path} within {timeout:g} s:\n{server.log_tail()}"
    )


def stop(server: Server) -> None:
    """SIGINT (uvicorn's graceful shutdown, running the lifespan's exit), then SIGKILL."""
    if server.process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        server.process.send_signal(signal.SIGINT)
    try:
        server.process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=STOP_TIMEOUT)


@contextlib.contextmanager
def running(servers: list[Server]) -> Iterator[list[Server]]:
    """Stops every server on the way out, whatever the way out is (error, Ctrl-C, SIGTERM)."""
    try:
        yield servers
    finally:
        for server in reversed(servers):
            stop(server)
