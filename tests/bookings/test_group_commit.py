"""Write transactions committed in groups (SQLite: kit/group_commit.GroupCommit; PostgreSQL keeps
one transaction per request, and the same must hold there), seen from outside against a running
`maitred serve`: requests refused inside a group (invalid, or the slot full) leave the others'
bookings standing and never overbook a slot, and a booking answered 201 survives the server
being killed right after the answer.

The server shares the test's database and keys, so what it stored is read here.
"""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from maitred.availability import service as availability_service
from maitred.bookings.models import Booking
from maitred.config import Settings
from maitred.kit.db import Database
from tests.bookings.given import SEED_000_POLICY, given_book, saturday
from tests.demo_server import Server, serving

pytestmark = pytest.mark.xdist_group("bookings-group-commit")

FORM = "/api/v1/public/bookings"


@pytest.fixture
async def server(settings: Settings, migrated: None, tmp_path: Path) -> AsyncIterator[Server]:
    """`maitred serve` on the test database, rate limits and embedded worker off."""
    async with serving(settings, tmp_path) as running:
        yield running


def form(n: int, weeks_ahead: int, **changes: Any) -> dict[str, Any]:
    """A request by person `n` (their own phone and email) for one team on a Saturday."""
    return {
        "name": f"Guest {n}",
        "phone": f"+1916555{n:04d}",
        "email": f"guest{n}@example.com",
        "event_date": saturday(weeks_ahead).isoformat(),
        "event_time": "18:00",
        "guest_count": 10,
        "event_type": "birthday",
        "location": "Sacramento, CA",
        "honeypot": "",
    } | changes


async def stored_bookings(database: Database, organization_id: uuid.UUID) -> list[Booking]:
    async with database.transaction(write=False) as session:
        found = await session.scalars(
            select(Booking).where(Booking.organization_id == organization_id)
        )
        return list(found.all())


async def test_requests_refused_in_a_group_leave_the_others_booked(
    database: Database, server: Server, tmp_path: Path
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, teams=3)
    tenant = {"X-Tenant-ID": str(book.organization.id)}
    # All at once: eight for a Saturday with three teams (five must hear 409), twelve on twelve
    # other Saturdays (all fit), ten that fail validation once they are in the transaction's
    # turn (an event type the business does not offer) or before (a phone that is no number).
    forms = [form(n, 3) for n in range(8)]
    forms += [form(100 + n, 4 + n) for n in range(12)]
    forms += [form(200 + n, 20, event_type="rodeo") for n in range(5)]
    forms += [form(300 + n, 21, phone="12") for n in range(5)]
    limits = httpx.Limits(max_connections=len(forms), max_keepalive_connections=len(forms))
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=limits) as http:
        answers = await asyncio.gather(*(http.post(FORM, json=f, headers=tenant) for f in forms))

    statuses = [a.status_code for a in answers]
    log = (tmp_path / "server.log").read_text(errors="replace")[-3000:]
    assert Counter(statuses[:8]) == {201: 3, 409: 5}, [a.text for a in answers[:8]] + [log]
    assert statuses[8:20] == [201] * 12
    assert statuses[20:] == [422] * 10
    booked = {a.json()["booking_id"] for a in answers if a.status_code == 201}
    stored = await stored_bookings(database, book.organization.id)
    assert {str(b.id) for b in stored} == booked
    assert len({b.reference_number for b in stored}) == 15
    async with database.transaction(write=False) as session:
        assert (
            await availability_service.ledger_problems(
                session, organization_id=book.organization.id
            )
            == []
        )


async def test_every_booking_answered_201_survives_a_kill_right_after(
    database: Database, settings: Settings, migrated: None, tmp_path: Path
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, teams=40)
    tenant = {"X-Tenant-ID": str(book.organization.id)}
    answered: list[str] = []
    killed = asyncio.Event()
    numbers = iter(range(10_000))

    async def keep_booking(http: httpx.AsyncClient) -> None:
        while not killed.is_set():
            n = next(numbers)
            try:
                answer = await http.post(FORM, json=form(n, 3 + n % 30), headers=tenant)
            except httpx.TransportError:
                return  # killed under this request: it was never answered
            assert answer.status_code == 201, answer.text
            answered.append(answer.json()["booking_id"])
            if len(answered) >= 40 and not killed.is_set():
                process.send_signal(signal.SIGKILL)  # at once, with others mid-transaction
                killed.set()

    async with (
        serving(settings, tmp_path) as running,
        httpx.AsyncClient(base_url=running.base_url, timeout=60) as http,
    ):
        process = running.process
        await asyncio.gather(*(keep_booking(http) for _ in range(16)))

    stored = await stored_bookings(database, book.organization.id)
    assert set(answered) <= {str(b.id) for b in stored}
    async with database.transaction(write=False) as session:
        references = await session.scalar(
            select(func.count(func.distinct(Booking.reference_number))).where(
                Booking.organization_id == book.organization.id
            )
        )
    assert references == len(stored)
