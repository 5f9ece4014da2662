"""Recording a booking whose event is over (bookings/service/past.py): priced, numbered and given
its history like a new one, claiming no chef team and telling no outbox handler."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from maitred.availability.models import CapacityClaim
from maitred.bookings import service as bookings_service
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.errors import InvalidState, ValidationFailed
from maitred.pricing import service as pricing_service
from tests.bookings.given import (
    SEED_000_POLICY,
    Book,
    count_bookings,
    events_named,
    given_book,
    given_customer,
    staff_of,
)

EVENT_DAY = date(2026, 3, 14)  # a Saturday long gone (the clock is never turned back)
BOOKED, CONFIRMED, DONE = (
    datetime(2026, 2, 20, 18, 5, tzinfo=UTC),
    datetime(2026, 2, 21, 9, 30, tzinfo=UTC),
    datetime(2026, 3, 15, 5, 0, tzinfo=UTC),
)


async def record(database: Database, book: Book, customer: uuid.UUID, **given: Any) -> Any:
    values: dict[str, Any] = {
        "organization_id": book.organization.id,
        "actor_user_id": None,
        "customer_id": customer,
        "event_date": EVENT_DAY,
        "event_time": time(18),
        "guest_count": 12,
        "location": "1 Capitol Mall, Sacramento, CA 95814",
        "menu": (pricing_service.MenuChoice(name="Hibachi Steak", quantity=2),),
        "history": [("pending", BOOKED), ("confirmed", CONFIRMED), ("completed", DONE)],
        "chef_team_id": book.teams[0],
    }
    async with database.transaction() as session:
        return await bookings_service.record_past_booking(session, **(values | given))


async def claims(database: Database) -> int:
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(CapacityClaim)) or 0)


async def test_a_completed_event_is_priced_numbered_and_credited_without_a_claim(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY)
    customer = await given_customer(database, book)
    staff = await staff_of(client, database, book)

    booking = await record(database, book, customer)

    shown = (await client.get(f"/api/v1/bookings/{booking['id']}", headers=staff.headers)).json()
    assert (shown["reference_number"], shown["status"]) == ("BK-2026-000001", "completed")
    assert (shown["subtotal"], shown["total_amount"]) == (610.0, 610.0)  # 12 x 45 + 2 x 35
    assert [
        (c["from_status"], c["to_status"], c["changed_at"]) for c in shown["status_history"]
    ] == [
        (None, "pending", "2026-02-20T18:05:00Z"),
        ("pending", "confirmed", "2026-02-21T09:30:00Z"),
        ("confirmed", "completed", "2026-03-15T05:00:00Z"),
    ]
    assert (shown["created_at"], shown["chef_team_id"]) == (
        "2026-02-20T18:05:00Z",
        str(book.teams[0]),
    )
    guest = (await client.get(f"/api/v1/customers/{customer}", headers=staff.headers)).json()
    assert (guest["loyalty_points"], guest["total_spent"], guest["total_bookings"]) == (
        610,
        610.0,
        1,
    )
    assert await claims(database) == 0
    assert await events_named(database, "booking.created") == []


async def test_a_cancellation_keeps_its_reason_and_earns_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY)
    customer = await given_customer(database, book)
    staff = await staff_of(client, database, book)

    booking = await record(
        database,
        book,
        customer,
        history=[("pending", BOOKED), ("cancelled", CONFIRMED)],
        reason="Party postponed",
    )

    shown = (await client.get(f"/api/v1/bookings/{booking['id']}", headers=staff.headers)).json()
    assert (shown["status"], shown["cancellation_reason"]) == ("cancelled", "Party postponed")
    assert shown["status_history"][-1]["reason"] == "Party postponed"
    guest = (await client.get(f"/api/v1/customers/{customer}", headers=staff.headers)).json()
    assert guest["loyalty_points"] == 0


@pytest.mark.parametrize(
    ("given", "refused"),
    [
        ({"event_date": utcnow().date() + timedelta(days=3)}, ValidationFailed),
        ({"history": [("pending", BOOKED), ("completed", DONE)]}, InvalidState),
        ({"history": [("completed", BOOKED)]}, ValidationFailed),
        ({"history": [("pending", CONFIRMED), ("confirmed", BOOKED)]}, ValidationFailed),
        ({"chef_team_id": uuid.uuid4()}, ValidationFailed),
    ],
    ids=["event-to-come", "skips-confirmed", "starts-completed", "time-backwards", "no-team"],
)
async def test_what_the_status_machine_or_the_calendar_refuse_is_not_recorded(
    database: Database, given: dict[str, Any], refused: type[Exception]
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY)
    customer = await given_customer(database, book)

    with pytest.raises(refused):
        await record(database, book, customer, **given)

    assert await count_bookings(database) == 0
