"""Events and facilitators as other domains see them (bookings, the CRM): small frozen briefs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.events.models import Event, Facilitator


@dataclass(frozen=True)
class EventBrief:
    """What a seat booking copies from its event and shows of it."""

    id: uuid.UUID
    title: str
    event_type: str
    facilitator_id: uuid.UUID | None
    starts_at: datetime
    ends_at: datetime
    timezone: str
    location: str
    price: Decimal
    currency: str
    status: str
    max_participants: int
    seats_taken: int

    @property
    def seats_free(self) -> int:
        return max(0, self.max_participants - self.seats_taken)


def brief_of(event: Event) -> EventBrief:
    return EventBrief(
        id=event.id,
        title=event.title,
        event_type=event.event_type,
        facilitator_id=event.facilitator_id,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        timezone=event.timezone,
        location=event.location,
        price=event.price,
        currency=event.currency,
        status=event.status,
        max_participants=event.max_participants,
        seats_taken=event.seats_taken,
    )


async def event_brief(
    session: AsyncSession, organization_id: uuid.UUID, event_id: uuid.UUID
) -> EventBrief | None:
    event = await session.scalar(
        select(Event).where(Event.organization_id == organization_id, Event.id == event_id)
    )
    return None if event is None else brief_of(event)


async def locked_event_brief(
    session: AsyncSession, organization_id: uuid.UUID, event_id: uuid.UUID
) -> EventBrief | None:
    """The event, its row locked on PostgreSQL until the transaction ends: a seat given back
    meanwhile (which updates the row) waits, so a decision on "is it full?" holds."""
    event = await session.scalar(
        select(Event)
        .where(Event.organization_id == organization_id, Event.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return None if event is None else brief_of(event)


async def event_briefs(
    session: AsyncSession, organization_id: uuid.UUID, event_ids: set[uuid.UUID]
) -> dict[uuid.UUID, EventBrief]:
    if not event_ids:
        return {}
    rows = await session.scalars(
        select(Event).where(Event.organization_id == organization_id, Event.id.in_(event_ids))
    )
    return {e.id: brief_of(e) for e in rows}


async def facilitator_id_of_user(
    session: AsyncSession, organization_id: uuid.UUID, user_id: uuid.UUID
) -> uuid.UUID | None:
    """The facilitator profile a signed-in user is, if any."""
    return await session.scalar(
        select(Facilitator.id).where(
            Facilitator.organization_id == organization_id, Facilitator.user_id == user_id
        )
    )


async def facilitator_exists(
    session: AsyncSession, organization_id: uuid.UUID, facilitator_id: uuid.UUID
) -> bool:
    """Whether the organization has this facilitator (the CRM's 404 for unknown ones)."""
    found = await session.scalar(
        select(Facilitator.id).where(
            Facilitator.organization_id == organization_id, Facilitator.id == facilitator_id
        )
    )
    return found is not None
