"""Events as callers see them: seed 002's shape, local times with offsets, drafts for staff."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.events.models import Event, Facilitator
from maitred.events.repository import EventRepository, FacilitatorRepository
from maitred.events.times import local, local_day_bounds
from maitred.events.types import organization_of
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.tenancy import service as tenancy_service

STATUSES = ("draft", "active", "cancelled", "completed")
PUBLIC_STATUSES = ("active", "cancelled", "completed")


def event_read(event: Event, facilitator: Facilitator | None) -> dict[str, Any]:
    zone = ZoneInfo(event.timezone)
    available = max(event.max_participants - event.seats_taken, 0)
    return {
        "id": event.id,
        "title": event.title,
        "description": event.description,
        "event_type": event.event_type,
        "facilitator": None
        if facilitator is None
        else {"id": facilitator.id, "name": facilitator.name, "bio": facilitator.bio},
        "start_datetime": local(event.starts_at, zone),
        "end_datetime": local(event.ends_at, zone),
        "timezone": event.timezone,
        "location": event.location,
        "location_id": event.location_id,
        "virtual_link": event.virtual_link,
        "max_participants": event.max_participants,
        "current_participants": event.seats_taken,
        "available_spots": available,
        "price": event.price,
        "currency": event.currency,
        "status": event.status,
        "requirements": event.requirements,
        "is_full": available == 0,
        "series_id": event.series_id,
        "cancelled_at": event.cancelled_at,
        "cancellation_reason": event.cancellation_reason,
        "created_at": event.created_at,
        "updated_at": event.updated_at,
    }


async def events_read(
    session: AsyncSession, organization_id: uuid.UUID, events: Sequence[Event]
) -> list[dict[str, Any]]:
    """Many events with their facilitators, loaded in one query."""
    ids = {e.facilitator_id for e in events if e.facilitator_id is not None}
    facilitators = await FacilitatorRepository(session, organization_id).by_ids(ids)
    return [
        event_read(e, facilitators.get(e.facilitator_id) if e.facilitator_id else None)
        for e in events
    ]


def visible_statuses(status: str | None, *, staff: bool) -> list[str] | None:
    """`status` None means active; `all` every status the caller may see (None: no filter).
    Drafts are for staff only: to others they do not exist."""
    wanted = (status or "active").strip().lower()
    if wanted == "all":
        return None if staff else list(PUBLIC_STATUSES)
    if wanted not in STATUSES:
        choices = ", ".join((*STATUSES, "all"))
        raise ValidationFailed(
            details={"status": f"Unknown status {wanted!r}; use one of {choices}"}
        )
    return [wanted] if staff or wanted != "draft" else []


async def get_event(
    session: AsyncSession, *, organization_id: uuid.UUID, event_id: uuid.UUID, staff: bool
) -> dict[str, Any]:
    event = await EventRepository(session, organization_id).get_or_404(event_id)
    if event.status == "draft" and not staff:
        raise NotFound("No such event")
    return (await events_read(session, organization_id, [event]))[0]


SORT_FIELDS = tuple(EventRepository.sorts)
SOONEST_FIRST = ListQuery(sort_by="start_datetime", descending=False)


async def list_events(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    params: PageParams,
    staff: bool,
    status: str | None = None,
    event_type: str | None = None,
    facilitator_id: uuid.UUID | None = None,
    series_id: uuid.UUID | None = None,
    listing: ListQuery = SOONEST_FIRST,
    date_from: date | None = None,
    date_to: date | None = None,
    upcoming: bool | None = None,
) -> tuple[list[dict[str, Any]], PaginationInfo]:
    """Sorted by start, soonest first (or as `listing` asks). Dates are local days of the
    organization."""
    if date_from and date_to and date_from > date_to:
        raise ValidationFailed(details={"date_to": "Must not be before date_from"})
    organization = await organization_of(session, organization_id)
    starts_from, starts_before = local_day_bounds(
        ZoneInfo(organization.timezone), date_from, date_to
    )
    if upcoming:
        now = utcnow()
        starts_from = now if starts_from is None else max(starts_from, now)
    repository = EventRepository(session, organization_id)
    statement = repository.matching(
        statuses=visible_statuses(status, staff=staff),
        event_type=event_type.strip().lower() if event_type else None,
        facilitator_id=facilitator_id,
        series_id=series_id,
        search=listing.search,
        starts_from=starts_from,
        starts_before=starts_before,
    )
    window = listing.created_window(ZoneInfo(organization.timezone))
    rows, info = await repository.listing_page(params, listing, window, statement)
    return await events_read(session, organization_id, rows), info


async def facilitator_events(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    facilitator_id: uuid.UUID,
    params: PageParams,
    staff: bool,
    status: str | None = None,
    listing: ListQuery = SOONEST_FIRST,
) -> tuple[list[dict[str, Any]], PaginationInfo]:
    """Every event of the facilitator the caller may see (or of `status`): upcoming ones
    soonest first, then past ones most recent first."""
    await FacilitatorRepository(session, organization_id).get_or_404(facilitator_id)
    statuses = (
        (None if staff else list(PUBLIC_STATUSES))
        if status is None
        else visible_statuses(status, staff=staff)
    )
    repository = EventRepository(session, organization_id)
    statement = repository.matching(
        statuses=statuses, facilitator_id=facilitator_id, search=listing.search
    )
    window = await tenancy_service.created_window(session, organization_id, listing)
    rows, info = await repository.page_upcoming_first(
        params, statement, listing=listing, window=window, now=utcnow()
    )
    return await events_read(session, organization_id, rows), info
