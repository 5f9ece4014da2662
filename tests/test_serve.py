"""`maitred serve`, the README's first command, as a newcomer runs it: a real server process."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx
import pytest

from tests.demo_server import free_port

pytestmark = pytest.mark.long  # a real server loading the demo: scheduled first

MAITRED = str(Path(sys.executable).with_name("maitred"))
SEED_001_LEAD = {
    "name": "John Doe",
    "phone": "555-123-4567",
    "email": "john@example.com",
    "message": "Interested in catering for 50 guests",
    "source": "website",
    "metadata": {"page": "homepage", "referrer": "google"},
    "honeypot": "",
}


async def test_serve_migrates_loads_demo_answers_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "MAITRED_DATA_DIR": str(tmp_path / "data"),
    }
    process = await asyncio.create_subprocess_exec(
        MAITRED,
        "serve",
        "--demo",
        "--port",
        str(port),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Generous: its first /openapi.json builds the schema, slow on a loaded machine.
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            health = None
            # It listens once migrated and the demo is loaded (600 bookings: ~10 s on SQLite).
            deadline = asyncio.get_running_loop().time() + 180
            while health is None and process.returncode is None:
                try:
                    health = await client.get("/health")
                except httpx.TransportError:
                    assert asyncio.get_running_loop().time() < deadline
                    await asyncio.sleep(0.05)
            assert health is not None
            assert health.status_code == 200
            assert health.json()["database"] == "connected"

            workers = await client.get("/health/workers")
            # The embedded worker's first heartbeat: a deadline, as a loaded machine is slow.
            deadline = asyncio.get_running_loop().time() + 60
            while workers.status_code != 200 and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.05)
                workers = await client.get("/health/workers")
            assert workers.status_code == 200
            assert [w["pid"] for w in workers.json()["workers"]] == [process.pid]

            profile = await client.get("/api/v1/public/organizations/hibachi-at-home-demo")
            assert profile.status_code == 200
            assert profile.json()["timezone"] == "America/Los_Angeles"
            # Seed 001's public requests name no business: the demo's default is the hibachi one.
            menu = await client.get("/api/v1/menu")
            assert menu.status_code == 200, menu.text
            assert "Hibachi Chicken" in [
                item["name"] for group in menu.json()["categories"] for item in group["items"]
            ]
            assert (await client.get("/api/v1/public/availability")).status_code == 200
            lead = await client.post("/api/v1/public/leads", json=SEED_001_LEAD)
            assert lead.status_code == 201 or set(lead.json()["details"]) == {"phone"}, lead.text
            # No MAITRED_PUBLIC_URL: links lead back to this server, not to the default port.
            embed = await client.get("/book/hibachi-at-home-demo/embed")
            assert embed.status_code == 200
            assert f"http://localhost:{port}/book/" in embed.text
            assert "localhost:8000" not in embed.text
            assert (await client.get("/docs")).status_code == 200
            assert (
                "/api/v1/public/organizations/{id_or_slug}"
                in (await client.get("/openapi.json")).json()["paths"]
            )
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=20)
    text = output.decode()
    # uvicorn re-raises SIGTERM once it has shut down gracefully, so -15 is a clean stop too.
    assert process.returncode in (0, -signal.SIGTERM), text
    assert "created demo organization 'Hibachi at Home (demo)'" in text
    assert "default organization (public requests): " in text
    assert "Application shutdown complete" in text
    assert " stopped" in text  # the embedded worker left its loop
    assert (tmp_path / "data" / "maitred.db").exists()
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o777 == 0o600
