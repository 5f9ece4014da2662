"""A keyed request whose process dies after its commit, before its answer is recorded: the retry
with the same Idempotency-Key must not run it a second time (issue 20). The API process is
tests/crash/forked_server.py's, killed by SIGKILL as its answer starts."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from maitred.bookings.models import Booking
from maitred.config import Settings
from maitred.kit.db import Database
from tests.bookings.given import SEED_000_MENU, SEED_000_POLICY, given_book
from tests.crash.test_sigkill import ForkedServer, home, public_form
from tests.demo_server import server_env

pytestmark = pytest.mark.xdist_group("crash-cycles")
__all__ = ["home"]

LOCK_SECONDS = 1.0


async def test_a_retry_after_a_crash_between_commit_and_answer_books_nothing_twice(
    settings: Settings, migrated: None, database: Database, home: Path
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, teams=3, menu=SEED_000_MENU)
    await database.dispose()  # no SQLite connection of ours held while the server is killed
    env = server_env(settings, home, MAITRED_IDEMPOTENCY_LOCK_SECONDS=str(LOCK_SECONDS))
    server = ForkedServer(home, env)
    form = public_form(7_000_001)
    keyed = {"X-Tenant-ID": str(book.organization.id), "Idempotency-Key": "crash-1"}
    try:
        base_url = await asyncio.to_thread(server.start)
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            with pytest.raises(httpx.TransportError):
                await http.post(
                    "/api/v1/public/bookings",
                    json=form,
                    headers={**keyed, "X-Test-Die-After-Commit": "1"},
                )
        await asyncio.to_thread(server.start)
        await asyncio.sleep(LOCK_SECONDS + 0.2)  # the dead request's lock has run out
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            retried = await http.post("/api/v1/public/bookings", json=form, headers=keyed)
            again = await http.post("/api/v1/public/bookings", json=form, headers=keyed)
    finally:
        server.stop()

    assert retried.status_code == again.status_code == 409, retried.text
    assert retried.json()["error"] == "conflict"
    assert "carried out" in retried.json()["message"]
    async with database.transaction(write=False) as session:
        stored = await session.scalar(
            select(func.count())
            .select_from(Booking)
            .where(Booking.organization_id == book.organization.id)
        )
    assert stored == 1  # the first request's booking, committed before the crash; no second
