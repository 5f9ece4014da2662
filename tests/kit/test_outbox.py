"""emit(): events and their deliveries exist exactly when the emitting transaction committed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.outbox import DeliveryStatus, Event, OutboxDelivery, OutboxEvent
from tests.kit.outbox_probe import (
    Subscriptions,
    all_deliveries,
    all_events,
    subscriptions,
)


@pytest.fixture
def subscribe() -> Iterator[Subscriptions]:
    yield from subscriptions()


class Rollback(Exception):
    """Raised inside a transaction to make it roll back."""


async def test_committed_event_is_stored_with_one_pending_delivery_per_handler(
    database: Database, subscribe: Subscriptions
) -> None:
    subscribe.add("probe.created", "notify.customer")
    subscribe.add("probe.created", "crm.sync")
    subscribe.add("probe.cancelled", "notify.chef")
    organization_id, booking_id = uuid.uuid4(), uuid.uuid4()
    before = utcnow()

    async with database.transaction() as session:
        emitted = await outbox.emit(
            session,
            "probe.created",
            organization_id=organization_id,
            booking_id=booking_id,
            guest_count=8,
        )

    [event] = await all_events(database)
    assert event.id == emitted.id
    assert event.name == "probe.created"
    assert event.organization_id == organization_id
    assert event.payload == {"booking_id": str(booking_id), "guest_count": 8}
    assert before <= event.available_at <= utcnow()
    deliveries = sorted(await all_deliveries(database), key=lambda d: d.handler)
    assert [d.handler for d in deliveries] == ["crm.sync", "notify.customer"]
    for delivery in deliveries:
        assert delivery.event_id == event.id
        assert delivery.status == DeliveryStatus.pending
        assert delivery.attempts == 0
        assert delivery.next_attempt_at == event.available_at
        assert (delivery.locked_by, delivery.locked_until) == (None, None)
        assert (delivery.completed_at, delivery.last_error) == (None, None)


async def test_rolled_back_transaction_leaves_no_event_and_no_delivery(
    database: Database, subscribe: Subscriptions
) -> None:
    subscribe.add("probe.created", "notify.customer")
    written_inside: list[int | None] = []

    async def emit_then_fail() -> None:
        async with database.transaction() as session:
            await outbox.emit(session, "probe.created", booking_id=uuid.uuid4())
            await outbox.write_queued(session)  # what the commit would do first
            for table in (OutboxEvent, OutboxDelivery):
                written_inside.append(await session.scalar(select(func.count()).select_from(table)))
            raise Rollback

    with pytest.raises(Rollback):
        await emit_then_fail()

    assert written_inside == [1, 1]
    assert await all_events(database) == []
    assert await all_deliveries(database) == []


async def test_event_without_handlers_is_kept_as_history_without_deliveries(
    database: Database, subscribe: Subscriptions
) -> None:
    subscribe.add("probe.created", "notify.customer")

    async with database.transaction() as session:
        await outbox.emit(session, "lead.archived", lead_id="L-1")

    [event] = await all_events(database)
    assert (event.name, event.payload) == ("lead.archived", {"lead_id": "L-1"})
    assert await all_deliveries(database) == []


async def test_scheduled_event_is_due_at_its_available_at(
    database: Database, subscribe: Subscriptions
) -> None:
    subscribe.add("probe.reminder", "notify.customer")
    remind_at = (utcnow() + timedelta(days=2)).replace(microsecond=0)

    async with database.transaction() as session:
        await outbox.emit(session, "probe.reminder", available_at=remind_at, booking_id="B-1")

    [event] = await all_events(database)
    [delivery] = await all_deliveries(database)
    assert event.available_at == remind_at
    assert delivery.next_attempt_at == remind_at


async def test_deliveries_follow_the_handlers_registered_when_the_event_is_emitted(
    database: Database, subscribe: Subscriptions
) -> None:
    subscribe.add("probe.created", "notify.customer")
    async with database.transaction() as session:
        first = await outbox.emit(session, "probe.created", booking_id="B-1")

    subscribe.add("probe.created", "crm.sync")
    outbox.unregister("probe.created", "notify.customer")
    async with database.transaction() as session:
        second = await outbox.emit(session, "probe.created", booking_id="B-2")

    assert sorted((d.event_id, d.handler) for d in await all_deliveries(database)) == sorted(
        [(first.id, "notify.customer"), (second.id, "crm.sync")]
    )


def test_handler_registered_with_on_is_named_after_its_module_and_function() -> None:
    async def send_confirmation(session: AsyncSession, event: Event) -> None:
        return None

    registered = outbox.on("test.registry")(send_confirmation)
    expected = f"{__name__}.{send_confirmation.__qualname__}"
    try:
        assert registered is send_confirmation
        assert outbox.handler_names()["test.registry"] == [expected]
        assert outbox.handler_for("test.registry", expected) is send_confirmation
    finally:
        outbox.unregister("test.registry", expected)
    assert outbox.handler_for("test.registry", expected) is None
    assert outbox.handler_names().get("test.registry", []) == []
