"""The worker writes a webhook fan-out delivery only for an event a subscription of its
business wants (kit/outbox.py `audience`): a business with none leaves no fan-out rows for a
booking's events and messages, and one that subscribed to `message.sent` still receives each
of its sent messages, and nothing else."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import func, select

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.outbox import OutboxDelivery, OutboxEvent
from maitred.messaging.models import Message
from tests.bookings.given import SEED_000_POLICY, given_book
from tests.bookings.test_public_form import post, seed_form
from tests.factories import deliver_everything, signed_in_as
from tests.webhooks.given import subscribe
from tests.webhooks.receiver import Receiver


async def test_only_events_a_subscription_wants_get_a_fan_out_delivery(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    listening = await given_book(
        database, settings=SEED_000_POLICY, teams=2, name="Listening Grill"
    )
    quiet = await given_book(database, settings=SEED_000_POLICY, teams=2, name="Quiet Grill")
    admin = await signed_in_as(client, database, "admin", listening.organization)
    await subscribe(client, admin, receiver.url, ["message.sent"])
    for n, book in enumerate((listening, quiet, listening, quiet)):
        form = seed_form(name=f"Guest {n}", email=f"g{n}@example.com", phone=f"+1916555{n:04d}")
        assert (await post(client, book, form)).status_code == 201

    await deliver_everything(database, settings)

    async with database.transaction(write=False) as session:
        fan_outs = dict(
            (
                await session.execute(
                    select(OutboxEvent.organization_id, func.count())
                    .join(OutboxDelivery, OutboxDelivery.event_id == OutboxEvent.id)
                    .where(OutboxDelivery.handler == "webhooks.fan_out")
                    .group_by(OutboxEvent.organization_id)
                )
            ).all()
        )
        sent = dict(
            (
                await session.execute(
                    select(Message.organization_id, func.count())
                    .where(Message.status == "sent")
                    .group_by(Message.organization_id)
                )
            ).all()
        )
        events = dict(
            (
                await session.execute(
                    select(OutboxEvent.organization_id, func.count())
                    .where(OutboxEvent.name == "message.sent")
                    .group_by(OutboxEvent.organization_id)
                )
            ).all()
        )
        failed = await session.scalar(
            select(func.count())
            .select_from(OutboxDelivery)
            .where(OutboxDelivery.last_error.is_not(None))
        )
    assert sent[listening.organization.id] >= 2
    assert sent[quiet.organization.id] >= 2
    # Each business's events are kept (the history), whoever listens.
    assert events == sent
    # The quiet business's events cost no fan-out delivery; the listening one's message.sent
    # events each have one, and its other events (booking, customer, lead, queued) none.
    assert quiet.organization.id not in fan_outs
    assert fan_outs == {listening.organization.id: sent[listening.organization.id]}
    assert failed == 0
    received = [json.loads(request.body)["event"] for request in receiver.received]
    assert received == ["message.sent"] * sent[listening.organization.id]
