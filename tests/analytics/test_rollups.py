"""The booking-day rollup stays exact: after bookings made, paid, refunded, cancelled and moved
through the API (some of it at the same time, delivered by two workers at once), every rollup
row equals the full aggregation over the bookings, and a cancelled booking's kept deposit shows
as recognised revenue there."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import astuple
from datetime import date, timedelta
from typing import Any

import httpx

from maitred.analytics import rollups
from maitred.bookings.figures_repository import BookingFigures, DayRow
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from tests.bookings.given import book_one, given_book, given_customer, saturday, seed_001_form
from tests.factories import deliver_everything, signed_in_as
from tests.payments.calls import pay, refund


async def _both(
    database: Database, organization_id: uuid.UUID
) -> tuple[list[DayRow], list[DayRow]]:
    start, end = utcnow().date() - timedelta(days=7), utcnow().date() + timedelta(days=90)
    async with database.transaction(write=False) as session:
        full = await BookingFigures(session, organization_id).by_day(start, end)
        rolled = await rollups.day_rows(session, organization_id, start, end)
    return sorted(rolled, key=astuple), sorted(full, key=astuple)


async def _patch(
    client: httpx.AsyncClient, headers: dict[str, str], booking: dict[str, Any], **changes: Any
) -> None:
    response = await client.patch(
        f"/api/v1/bookings/{booking['id']}", json=changes, headers=headers
    )
    assert response.status_code == 200, response.text


async def test_the_rollup_equals_the_full_aggregation_after_concurrent_changes(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=6)
    customer = await given_customer(database, book)
    manager = await signed_in_as(client, database, "manager", book.organization)
    first, second, moved_to = saturday(3), saturday(4), saturday(6)

    def form(day: date, **changes: Any) -> dict[str, Any]:
        return seed_001_form(customer, book, event_date=day.isoformat(), **changes)

    a = await book_one(client, manager, form(first))
    b = await book_one(client, manager, form(first, event_type="wedding", guest_count=40))
    c = await book_one(client, manager, form(first, status="pending"))
    d = await book_one(client, manager, form(second, event_type="corporate"))
    paid = await pay(client, manager, a["id"], 200)
    await pay(client, manager, c["id"], 100)
    await deliver_everything(database)

    payment_id = paid.get("payment_id") or paid.get("id")
    await asyncio.gather(
        _patch(client, manager.headers, c, status="cancelled"),  # keeps its deposit
        _patch(client, manager.headers, d, event_date=moved_to.isoformat()),
        refund(client, manager, str(payment_id), 50),
        pay(client, manager, b["id"], 300),
        book_one(client, manager, form(first, event_type="corporate")),
        book_one(client, manager, form(second, guest_count=12)),
    )
    await asyncio.gather(deliver_everything(database), deliver_everything(database))

    rolled, full = await _both(database, book.organization.id)
    assert rolled == full
    days = {row.day for row in full}
    assert days == {first, second, moved_to}
    [kept] = [r for r in full if r.day == first and r.status == "cancelled"]
    assert (kept.count, kept.recognised_minor) == (1, 10000)  # the 100.00 deposit kept

    async with database.transaction() as session:  # a rebuild (after an import) agrees
        assert await rollups.rebuild(session, book.organization.id) == 3
    assert await _both(database, book.organization.id) == (full, full)
