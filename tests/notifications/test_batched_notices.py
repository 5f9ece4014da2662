"""A worker's batch takes several bookings' notices at once (set-based handlers, messages queued
together): each booking still gets its own, a customer's thread is one however many of their
bookings the batch holds, and the whole batch delivered again queues nothing new."""

from __future__ import annotations

import uuid
from datetime import timedelta

import httpx
from sqlalchemy import select

from maitred.kit import outbox
from maitred.kit.db import Database
from maitred.kit.outbox import Event, OutboxEvent
from maitred.kit.worker import Worker, WorkerOptions
from maitred.messaging.models import Conversation
from maitred.notifications import events as notices
from maitred.notifications import facts
from tests.bookings.given import book_one, given_book, given_customer, seed_001_form, staff_of
from tests.notifications.given import by_template, sent_messages, three_days_out

JANE = {"name": "Jane Smith", "email": "jane@example.com", "phone": "+19165550101"}


async def test_one_batch_gives_each_booking_its_notices_in_the_customers_one_thread(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    customer_id = await given_customer(database, book, **JANE)
    days = [three_days_out() + timedelta(days=7 * n) for n in range(2)]
    bookings = [
        await book_one(client, staff, seed_001_form(customer_id, book, event_date=day.isoformat()))
        for day in days
    ]
    worker = Worker(database, WorkerOptions(batch_size=50))
    await worker.deliver_batch(await worker.claim())  # both bookings' deliveries at once
    assert (worker.failed, await worker.claim()) == (0, [])

    queued = await sent_messages(database, customer_id=customer_id)
    each = [[m for m in queued if m.booking_id == uuid.UUID(b["id"])] for b in bookings]
    assert ("booking_confirmation", "email") in by_template(each[0])
    assert by_template(each[0]) == by_template(each[1])
    assert len(queued) == len(each[0]) + len(each[1])
    async with database.transaction(write=False) as session:
        threads = list(
            await session.scalars(
                select(Conversation.id).where(Conversation.customer_id == customer_id)
            )
        )
    assert len(threads) == 1
    assert {m.conversation_id for m in queued} == set(threads)

    # The same events delivered again, together: their dedupe keys hold.
    async with database.transaction() as session:
        rows = await session.scalars(
            select(OutboxEvent).where(OutboxEvent.name == "booking.created")
        )
        again = [
            Event(r.id, r.name, r.organization_id, r.payload, r.created_at, attempt=2) for r in rows
        ]
        assert len(again) == 2
        with outbox.sharing({}, {}, {}):
            await notices.booking_confirmation(session, again)
            await notices.deposit_request(session, again)
    assert len(await sent_messages(database, customer_id=customer_id)) == len(queued)


async def test_a_batchs_facts_are_each_bookings_own_as_read_alone(
    client: httpx.AsyncClient, database: Database
) -> None:
    """The facts of a batch's bookings, read together (one statement per shape), are those each
    booking's notices read alone: its lines and history, its customer and their language."""
    book = await given_book(database, teams=2)
    staff = await staff_of(client, database, book)
    spanish = await client.post(
        "/api/v1/customers",
        json={"name": "María", "email": "maria@example.com", "preferred_language": "es"},
        headers=staff.headers,
    )
    customers = [uuid.UUID(spanish.json()["id"]), await given_customer(database, book, **JANE)]
    for n, customer_id in enumerate(customers):
        form = seed_001_form(customer_id, book, event_time=f"1{7 + n}:00")
        await book_one(client, staff, form)
    async with database.transaction() as session:
        rows = await session.scalars(
            select(OutboxEvent).where(OutboxEvent.name == "booking.created")
        )
        events = [
            Event(r.id, r.name, r.organization_id, r.payload, r.created_at, attempt=1) for r in rows
        ]
        owner = await facts.business(session, book.organization.id)
        assert owner is not None
        assert len(events) == 2
        alone = [
            await facts.booking_facts(
                session, e.organization_id, notices._id(e, "booking_id"), owner
            )
            for e in events
        ]
        memos: dict[uuid.UUID, dict[object, object]] = {}
        with outbox.sharing({}, {}, memos):
            await facts.read_booking_facts(session, events)
        together = []
        for event in events:
            with outbox.sharing(memos[event.id], {}):
                booking_id = notices._id(event, "booking_id")
                together.append(
                    await facts.booking_facts(session, event.organization_id, booking_id, owner)
                )

    assert together == alone
    assert {f.recipient.language for f in together if f is not None} == {"es", "en"}
    assert all(
        f is not None and f.booking["menu_items"] and f.booking["status_history"] for f in together
    )
