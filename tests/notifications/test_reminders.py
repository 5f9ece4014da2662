"""Reminders 48 and 2 hours before a booking: scheduled through the outbox when it is made, sent
once however many workers run and however often the event is replayed, and not at all for a
booking cancelled or moved meanwhile. Time is moved by making the scheduled events due."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, date, datetime, time, timedelta

import httpx

from maitred.config import Settings
from maitred.kit import outbox
from maitred.kit.db import Database
from maitred.kit.outbox import OutboxEvent
from maitred.notifications.reminders import REMINDER_DUE
from tests.bookings.given import (
    SEED_001_POLICY,
    Book,
    book_one,
    given_book,
    given_customer,
    seed_001_form,
    staff_of,
)
from tests.factories import Actor, deliver_everything
from tests.notifications.given import ZONE, make_due, scheduled, sent_messages, three_days_out


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(18, 0), tzinfo=ZONE).astimezone(UTC)


async def booked(
    client: httpx.AsyncClient, database: Database, book: Book, day: date
) -> tuple[Actor, dict[str, object]]:
    staff = await staff_of(client, database, book)
    customer_id = await given_customer(database, book)
    form = seed_001_form(customer_id, book, event_date=day.isoformat())
    return staff, await book_one(client, staff, form)


def due_in(events: list[OutboxEvent], hours: int) -> list[uuid.UUID]:
    return [e.id for e in events if e.payload["hours"] == hours]


async def reminders(database: Database) -> list[tuple[str, str | None]]:
    return sorted(
        (m.channel, m.dedupe_key)
        for m in await sent_messages(database, template="booking_reminder")
    )


async def test_a_reminder_goes_out_once_however_many_workers_and_replays(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database)
    day = three_days_out()
    _, booking = await booked(client, database, book, day)
    await deliver_everything(database, settings)
    planned = await scheduled(database, REMINDER_DUE)
    before_due = await reminders(database)

    await make_due(database, due_in(planned, 48))
    await asyncio.gather(
        deliver_everything(database, settings), deliver_everything(database, settings)
    )
    async with database.transaction() as session:  # the same reminder, delivered again
        await outbox.emit(
            session, REMINDER_DUE, organization_id=book.organization.id, **planned[0].payload
        )
    await deliver_everything(database, settings)

    start = start_of(day)
    assert [(e.payload["hours"], e.available_at) for e in planned] == [
        (48, start - timedelta(hours=48)),
        (2, start - timedelta(hours=2)),
    ]
    assert {e.payload["starts_at"] for e in planned} == {start.isoformat()}
    assert before_due == []
    key = f"reminder:48h:{booking['id']}:{start.isoformat()}"
    assert await reminders(database) == [("email", f"{key}:email"), ("sms", f"{key}:sms")]
    [email] = await sent_messages(database, template="booking_reminder", channel="email")
    assert email.status == "sent"
    assert email.subject.startswith("Reminder: your booking with Hibachi at Home in ")


async def test_a_cancelled_booking_gets_no_reminder(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database)
    staff, booking = await booked(client, database, book, three_days_out())
    await deliver_everything(database, settings)

    cancelled = await client.delete(f"/api/v1/bookings/{booking['id']}", headers=staff.headers)
    await make_due(database, [e.id for e in await scheduled(database, REMINDER_DUE)])
    await deliver_everything(database, settings)

    assert cancelled.status_code == 204
    assert await reminders(database) == []


async def test_a_moved_booking_is_reminded_of_its_new_start_only(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database)
    first_day = three_days_out()
    staff, booking = await booked(client, database, book, first_day)
    await deliver_everything(database, settings)
    new_day = first_day + timedelta(days=7)

    moved = await client.patch(
        f"/api/v1/bookings/{booking['id']}",
        json={"event_date": new_day.isoformat()},
        headers=staff.headers,
    )
    await deliver_everything(database, settings)
    planned = await scheduled(database, REMINDER_DUE)
    await make_due(database, [e.id for e in planned])
    await deliver_everything(database, settings)

    assert moved.status_code == 200, moved.text
    assert sorted(e.payload["starts_at"] for e in planned) == sorted(
        [start_of(first_day).isoformat()] * 2 + [start_of(new_day).isoformat()] * 2
    )
    sent = await reminders(database)
    assert len(sent) == 4
    assert all(start_of(new_day).isoformat() in str(key) for _, key in sent)


async def test_a_reminder_turned_off_stays_silent(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(
        database, settings=SEED_001_POLICY | {"notifications": {"reminder_48h": False}}
    )
    await booked(client, database, book, three_days_out())
    await deliver_everything(database, settings)
    planned = await scheduled(database, REMINDER_DUE)

    await make_due(database, due_in(planned, 48))
    await deliver_everything(database, settings)

    assert len(planned) == 2
    assert await reminders(database) == []
