"""Outgoing webhooks' outbox handlers: every event a subscription may ask for is fanned out to
the matching subscriptions as deliveries; importing this module also registers the poller that
sends them (webhooks/delivering.py)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.kit.outbox import Event
from maitred.webhooks import deliveries
from maitred.webhooks import delivering as delivering  # registers the poller
from maitred.webhooks.catalog import KNOWN_EVENTS, wants
from maitred.webhooks.repository import receiving_events

HANDLER_NAME = "webhooks.fan_out"


async def fan_out(session: AsyncSession, event: Event) -> None:
    """Idempotent (one delivery per subscription and event); events of no organization have
    no subscribers."""
    if event.organization_id is None:
        return
    # Most events of a batch are of organizations with no subscription that wants them: their
    # subscriptions are read once a batch, and such an event costs no statement.
    if not (await receivers(session, event.organization_id))(event.name):
        return
    await deliveries.fan_out(
        session,
        organization_id=event.organization_id,
        event_id=event.id,
        event_name=event.name,
        happened_at=event.created_at,
        data=event.payload,
    )


async def fan_out_all(session: AsyncSession, events: list[Event]) -> None:
    """A worker's batch of events, whatever their names, in one call: most cost nothing."""
    for event in events:
        await fan_out(session, event)


async def receivers(
    session: AsyncSession, organization_id: uuid.UUID | None
) -> Callable[[str], bool]:
    """Which events of the organization a subscription wants now (`outbox.audience`): where
    the worker writes deliveries, an event none wants gets no fan-out delivery at all (most
    businesses have no subscription: a booking's messages' events cost no delivery then)."""
    if organization_id is None:
        return lambda name: False
    shared = outbox.shared_by_batch()
    key = ("webhooks.receiving", organization_id)
    if key not in shared:
        shared[key] = await receiving_events(session, organization_id)
    wanted: list[Any] = shared[key]
    return lambda name: any(wants(events, name) for events in wanted)


outbox.audience(HANDLER_NAME, receivers)
for _event_name in KNOWN_EVENTS:
    outbox.register_many(_event_name, fan_out_all, name=HANDLER_NAME)
