"""Events made, changed, deleted and cancelled by staff.

Cancelling only marks the event and writes `event.cancelled` to the outbox in the same
transaction: the bookings domain cancels the seats it sold when it handles that event.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.events.models import Event, Facilitator
from maitred.events.reads import event_read
from maitred.events.repository import EventRepository, FacilitatorRepository
from maitred.events.times import to_utc, zone_named
from maitred.events.types import check_type, organization_of, settings_of
from maitred.kit import outbox
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import InvalidState, ValidationFailed
from maitred.locations import service as locations_service
from maitred.tenancy import service as tenancy_service

_NULLABLE = frozenset({"facilitator_id", "virtual_link", "location_id"})
_TIME_FIELDS = frozenset({"start_datetime", "end_datetime", "timezone"})


@dataclass(frozen=True)
class Context:
    """What every new event of one request takes from its organization."""

    zone_name: str
    zone: ZoneInfo
    currency: str
    facilitator: Facilitator | None


async def context_for(
    session: AsyncSession, organization_id: uuid.UUID, fields: dict[str, Any]
) -> Context:
    """Checks the type, facilitator and zone of new events (422 naming the field)."""
    organization = await organization_of(session, organization_id)
    check_type(settings_of(organization), fields["event_type"])
    zone_name = fields.get("timezone") or organization.timezone
    zone = zone_named(zone_name)
    facilitator = await _facilitator(session, organization_id, fields.get("facilitator_id"))
    await _location(session, organization_id, fields.get("location_id"))
    pricing = tenancy_service.settings_of(organization).pricing
    return Context(zone_name, zone, pricing.currency or organization.currency, facilitator)


async def _facilitator(
    session: AsyncSession, organization_id: uuid.UUID, facilitator_id: uuid.UUID | None
) -> Facilitator | None:
    if facilitator_id is None:
        return None
    found = await FacilitatorRepository(session, organization_id).get(facilitator_id)
    if found is None:
        raise ValidationFailed(details={"facilitator_id": "No such facilitator"})
    if not found.is_active:
        raise ValidationFailed(details={"facilitator_id": "This facilitator is inactive"})
    return found


async def _location(
    session: AsyncSession, organization_id: uuid.UUID, location_id: uuid.UUID | None
) -> None:
    if location_id is not None:
        await locations_service.check_ours(
            session, organization_id=organization_id, location_id=location_id, field="location_id"
        )


def check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise ValidationFailed(details={"end_datetime": "Must be after start_datetime"})


def new_event(
    context: Context,
    fields: dict[str, Any],
    *,
    starts_at: datetime,
    ends_at: datetime,
    series_id: uuid.UUID | None = None,
) -> Event:
    return Event(
        title=fields["title"],
        description=fields.get("description", ""),
        event_type=fields["event_type"],
        facilitator_id=fields.get("facilitator_id"),
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=context.zone_name,
        location=fields.get("location", ""),
        location_id=fields.get("location_id"),
        virtual_link=fields.get("virtual_link"),
        max_participants=fields["max_participants"],
        seats_taken=0,
        price=Decimal(fields.get("price", 0)),
        currency=context.currency,
        status=str(fields.get("status", "active")),
        requirements=fields.get("requirements", ""),
        series_id=series_id,
    )


async def create_event(
    session: AsyncSession, *, organization_id: uuid.UUID, fields: dict[str, Any]
) -> dict[str, Any]:
    """`fields`: an EventCreate as a dict."""
    context = await context_for(session, organization_id, fields)
    starts_at = to_utc(fields["start_datetime"], context.zone)
    ends_at = to_utc(fields["end_datetime"], context.zone)
    check_times(starts_at, ends_at)
    event = EventRepository(session, organization_id).add(
        new_event(context, fields, starts_at=starts_at, ends_at=ends_at)
    )
    await session.flush()
    record(
        "event.created",
        resource_type="event",
        resource_id=event.id,
        organization_id=organization_id,
        changes={"title": event.title, "starts_at": event.starts_at.isoformat()},
    )
    return event_read(event, context.facilitator)


def _audited(changes: dict[str, Any]) -> dict[str, Any]:
    return {
        f: v if v is None or isinstance(v, bool | int | str) else str(v) for f, v in changes.items()
    }


async def update_event(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    event_id: uuid.UUID,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """`changes`: the fields sent. A naive time is read in the event's (new) zone; sending
    only `timezone` keeps the instants and shows them in the new zone."""
    if nulls := [f for f, v in changes.items() if v is None and f not in _NULLABLE]:
        raise ValidationFailed(details=dict.fromkeys(nulls, "May not be null"))
    repository = EventRepository(session, organization_id)
    event = await repository.get_or_404(event_id)
    audited = _audited(changes)
    status = changes.pop("status", None)
    if status is not None:
        _check_status_change(event, str(status))
        event.status = str(status)
    if "event_type" in changes and changes["event_type"] != event.event_type:
        organization = await organization_of(session, organization_id)
        check_type(settings_of(organization), changes["event_type"])
    if "facilitator_id" in changes and changes["facilitator_id"] != event.facilitator_id:
        await _facilitator(session, organization_id, changes["facilitator_id"])
    if changes.get("location_id") is not None:
        await _location(session, organization_id, changes["location_id"])
    if _TIME_FIELDS & changes.keys():
        _move(event, changes)
    if "max_participants" in changes:
        wanted = changes.pop("max_participants")
        if not await repository.set_capacity(event.id, wanted, utcnow()):
            await session.refresh(event)
            raise ValidationFailed(
                details={"max_participants": f"{event.seats_taken} seats are taken already"}
            )
    for field, value in changes.items():
        setattr(event, field, value)
    await session.flush()
    await session.refresh(event)
    record(
        "event.updated",
        resource_type="event",
        resource_id=event.id,
        organization_id=organization_id,
        changes=audited,
    )
    facilitator = await _current_facilitator(session, organization_id, event)
    return event_read(event, facilitator)


def _check_status_change(event: Event, status: str) -> None:
    if status == "cancelled" and event.status != "cancelled":
        raise ValidationFailed(details={"status": "Cancel through POST /events/{id}/cancel"})
    if event.status == "cancelled" and status != "cancelled":
        raise InvalidState("This event is cancelled", details={"status": event.status})


def _move(event: Event, changes: dict[str, Any]) -> None:
    zone_name = changes.pop("timezone", None) or event.timezone
    zone = zone_named(zone_name)
    starts_at = event.starts_at
    ends_at = event.ends_at
    if "start_datetime" in changes:
        starts_at = to_utc(changes.pop("start_datetime"), zone)
    if "end_datetime" in changes:
        ends_at = to_utc(changes.pop("end_datetime"), zone)
    check_times(starts_at, ends_at)
    event.timezone, event.starts_at, event.ends_at = zone_name, starts_at, ends_at


async def _current_facilitator(
    session: AsyncSession, organization_id: uuid.UUID, event: Event
) -> Facilitator | None:
    if event.facilitator_id is None:
        return None
    return await FacilitatorRepository(session, organization_id).get(event.facilitator_id)


async def delete_event(
    session: AsyncSession, *, organization_id: uuid.UUID, event_id: uuid.UUID
) -> None:
    """Only an event nobody has a seat on; one with seats is cancelled instead (409)."""
    repository = EventRepository(session, organization_id)
    event = await repository.get_or_404(event_id)
    try:
        deleted = await repository.delete_unbooked(event_id)
    except IntegrityError:
        # Only cancelled seats are left, and the book keeps them (the request rolls back).
        raise InvalidState(
            "This event has cancelled bookings on record; cancel it instead of deleting it",
            details={"seats_taken": 0},
        ) from None
    if not deleted:
        await session.refresh(event)
        raise InvalidState(
            "Seats on this event are taken; cancel it instead (POST /events/{id}/cancel)",
            details={"seats_taken": event.seats_taken},
        )
    session.expunge(event)
    record(
        "event.deleted",
        resource_type="event",
        resource_id=event_id,
        organization_id=organization_id,
        changes={"title": event.title},
    )


async def cancel_event(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    event_id: uuid.UUID,
    reason: str | None = None,
) -> dict[str, Any]:
    """A draft or active event becomes cancelled once; `event.cancelled` tells the bookings
    domain to cancel its seats. A cancelled or completed event is 409."""
    repository = EventRepository(session, organization_id)
    event = await repository.get_or_404(event_id)
    if not await repository.cancel(event_id, reason=reason or None, now=utcnow()):
        await session.refresh(event)
        raise InvalidState(f"This event is {event.status}", details={"status": event.status})
    await session.refresh(event)
    await outbox.emit(
        session,
        "event.cancelled",
        organization_id=organization_id,
        event_id=str(event_id),
        reason=event.cancellation_reason,
    )
    record(
        "event.cancelled",
        resource_type="event",
        resource_id=event_id,
        organization_id=organization_id,
        changes={"reason": event.cancellation_reason},
    )
    facilitator = await _current_facilitator(session, organization_id, event)
    return event_read(event, facilitator)
