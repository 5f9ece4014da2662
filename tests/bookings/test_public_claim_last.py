"""PostgreSQL: a public booking claims its team last, with its COMMIT
(bookings/service/create_writes.py `write_booking`), yet never past a claim another writer of the
day committed first: its claim waits for the day's lock row and is read after it, so it sees what
the lock's holder committed.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select, text

from maitred.availability.models import CapacityClaim
from maitred.availability.repository import ClaimRepository
from maitred.bookings.models import Booking
from maitred.kit.db import Database
from tests.bookings.given import SEED_000_POLICY, given_book
from tests.bookings.test_public_form import post, seed_form

WAITING_FOR_THE_DAY = """
SELECT count(*) FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO capacity_days%'
"""


async def waiters(database: Database) -> int:
    async with database.transaction(write=False) as session:
        return int(await session.scalar(text(WAITING_FOR_THE_DAY)) or 0)


async def test_a_public_claim_sees_the_claim_committed_while_it_waited_for_the_day(
    client: httpx.AsyncClient, database: Database
) -> None:
    if database.is_sqlite:
        pytest.skip("SQLite's write transactions run one at a time: no row locks")
    book = await given_book(database, settings=SEED_000_POLICY, teams=1)
    form = seed_form()
    day = date.fromisoformat(form["event_date"])
    # Another writer of the day (a staff booking claims first) holds its lock row.
    async with database.transaction() as holder:
        claims = ClaimRepository(holder, book.organization.id)
        await claims.lock_days([day])
        request = asyncio.create_task(post(client, book, form))
        for _ in range(400):
            if request.done() or await waiters(database):
                break
            await asyncio.sleep(0.025)
        assert not request.done(), f"booked without waiting for the day: {request.result().text}"
        # ... and promises the one team for the whole day before it commits.
        midnight = datetime.combine(day, time(0), UTC)
        await claims.insert(
            [
                {
                    "booking_id": uuid.uuid4(),
                    "team_id": book.teams[0],
                    "day": day,
                    "starts_at": midnight,
                    "ends_at": midnight + timedelta(days=2),
                    "expires_at": None,
                }
            ]
        )

    answer = await request

    assert answer.status_code == 409, answer.text
    assert answer.json()["error"] == "capacity_exceeded"
    async with database.transaction(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Booking)) == 0
        assert await session.scalar(select(func.count()).select_from(CapacityClaim)) == 1


async def test_a_public_booking_leaves_the_server_nothing_to_warn_about(
    client: httpx.AsyncClient, database: Database
) -> None:
    """Its COMMIT goes in the claim's message; SQLAlchemy's own COMMIT after it once made the
    server log "there is no transaction in progress" for every booking."""
    if database.is_sqlite:
        pytest.skip("PostgreSQL's claim-last message")
    book = await given_book(database, settings=SEED_000_POLICY, teams=1)
    notices: list[str] = []

    def heard(_connection: object, message: Exception) -> None:
        notices.append(str(message))

    def listen(dbapi_connection: Any, *_: object) -> None:
        dbapi_connection.driver_connection.add_log_listener(heard)

    event.listen(database.engine.sync_engine, "checkout", listen)
    try:
        answer = await post(client, book, seed_form())
    finally:
        event.remove(database.engine.sync_engine, "checkout", listen)

    assert answer.status_code == 201, answer.text
    assert notices == []
    async with database.transaction(write=False) as session:
        booking = await session.get(Booking, uuid.UUID(answer.json()["booking_id"]))
        assert booking is not None
        assert booking.chef_team_id == book.teams[0]
