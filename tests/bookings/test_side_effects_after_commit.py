"""A booking request writes the booking; its CRM record, lead follow-up, messages and webhooks
are outbox handlers the worker runs after the commit, exactly once however many workers run."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import httpx
from sqlalchemy import func, select

from maitred.crm.models import CrmRecord
from maitred.kit import outbox
from maitred.kit.db import Database
from maitred.kit.outbox import DeliveryStatus, OutboxDelivery, OutboxEvent
from maitred.kit.worker import Worker, WorkerOptions
from maitred.leads.models import Lead
from tests.bookings.given import SEED_000_POLICY, given_book
from tests.bookings.test_public_form import post, seed_form

GUESTS = 6
SCHEDULED = {"capacity.hold_expired", "booking.reminder_due"}


async def per_booking(database: Database, column: object) -> Counter[uuid.UUID]:
    async with database.transaction(write=False) as session:
        return Counter((await session.scalars(select(column))).all())  # type: ignore[call-overload]


async def deliveries(database: Database) -> list[tuple[uuid.UUID, str, str, str]]:
    """(event, event name, handler, status) of every delivery."""
    async with database.transaction(write=False) as session:
        rows = await session.execute(
            select(
                OutboxDelivery.event_id,
                OutboxEvent.name,
                OutboxDelivery.handler,
                OutboxDelivery.status,
            ).join(OutboxEvent, OutboxEvent.id == OutboxDelivery.event_id)
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]


async def drain(worker: Worker) -> None:
    for _ in range(200):
        if not await worker.run_once():
            return
    raise AssertionError("the worker never ran out of work")


async def test_three_workers_do_each_side_effect_of_each_booking_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, teams=GUESTS)
    booked = []
    for n in range(GUESTS):
        answer = await post(
            client,
            book,
            seed_form(
                name=f"Guest {n}", email=f"guest{n}@example.com", phone=f"(916) 555-01{n:02d}"
            ),
        )
        assert answer.status_code == 201, answer.text
        booked.append(uuid.UUID(answer.json()["booking_id"]))

    # Committed without any of them: the request wrote its events, not even their deliveries.
    assert await per_booking(database, CrmRecord.booking_id) == Counter()
    assert await per_booking(database, Lead.booking_id) == Counter()
    assert await deliveries(database) == []
    # What the health page counts as the worker's due work: each booking's booking.created and
    # customer.created (the hold's expiry is not due yet).
    assert (await client.get("/health/workers")).json()["outbox"] == {"due": 2 * GUESTS, "dead": 0}

    options = WorkerOptions(poll_seconds=0.01, backoff_seconds=0.01, batch_size=3, fan_out_batch=2)
    await asyncio.gather(*(drain(Worker(database, options)) for _ in range(3)))

    assert await per_booking(database, CrmRecord.booking_id) == Counter(booked)
    assert await per_booking(database, Lead.booking_id) == Counter(booked)
    done = await deliveries(database)
    # What is scheduled for later (the hold's expiry, the reminders) waits; the rest is done.
    assert {status for _, name, _, status in done if name not in SCHEDULED} == {DeliveryStatus.done}
    assert {name for _, name, _, status in done if status != DeliveryStatus.done} == SCHEDULED
    per_event_and_handler = Counter((event, handler) for event, _, handler, _ in done)
    assert set(per_event_and_handler.values()) == {1}
    created = Counter(event for event, name, _, _ in done if name == "booking.created")
    # One delivery per handler with work for it: the business has no webhook subscription, so
    # the worker writes no fan-out delivery (kit/outbox.py `audience`).
    handlers = set(outbox.handler_names()["booking.created"]) - {"webhooks.fan_out"}
    assert len(created) == GUESTS
    assert set(created.values()) == {len(handlers)}
    async with database.transaction(write=False) as session:
        unfanned = await session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.fanned_out.is_(False))
        )
    assert unfanned == 0  # scheduled ones too: their deliveries wait for their time
    assert (await client.get("/health/workers")).json()["outbox"] == {"due": 0, "dead": 0}
