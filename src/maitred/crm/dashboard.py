"""Each facilitator's bookings with statistics, and their dashboard (seed 002), counted in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.crm.listing import NEWEST_RECEIVED
from maitred.crm.models import CrmRecord
from maitred.crm.repository import CrmRecordRepository, RecordFilters, as_uuid
from maitred.crm.views import audience_of, read_records
from maitred.events import service as events_service
from maitred.identity.deps import AuthContext
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams
from maitred.tenancy import service as tenancy_service

RECENT = timedelta(days=7)
POPULAR_EVENTS, RECENT_BOOKINGS = 5, 10


@dataclass(frozen=True)
class FacilitatorKey:
    shown: str
    where: ColumnElement[bool]


async def _facilitator(session: AsyncSession, auth: AuthContext, raw: str) -> FacilitatorKey:
    """A facilitator reads only their own (another's is 404, as if it did not exist); other
    roles any facilitator of their organization, or an outside system's facilitator id that
    pushed-in records name."""
    parsed = as_uuid(raw)
    audience = await audience_of(session, auth)
    if audience.restricted:
        if parsed is None or parsed != audience.facilitator_id:
            raise NotFound("No such facilitator")
    elif parsed is not None:
        if not await events_service.facilitator_exists(session, auth.org_id, parsed):
            raise NotFound("No such facilitator")
    elif not await CrmRecordRepository(session, auth.org_id).any_with_outside_facilitator(raw):
        raise NotFound("No such facilitator")
    if parsed is not None:
        return FacilitatorKey(str(parsed), CrmRecord.facilitator_id == parsed)
    return FacilitatorKey(raw, CrmRecord.external_facilitator_id == raw)


async def facilitator_bookings(
    session: AsyncSession,
    auth: AuthContext,
    *,
    facilitator_id: str,
    params: PageParams,
    status: str | None = None,
    event_type: str | None = None,
    crm_status: str | None = None,
    listing: ListQuery = NEWEST_RECEIVED,
) -> dict[str, Any]:
    """The filters narrow the list; `statistics` always describe all the facilitator's
    bookings, as seed 002's CRM did."""
    key = await _facilitator(session, auth, facilitator_id)
    repository = CrmRecordRepository(session, auth.org_id)
    statement = repository.matching(
        await audience_of(session, auth),
        RecordFilters(
            booking_status=status.strip().lower() if status else None,
            event_type=event_type.strip().lower() if event_type else None,
            crm_status=crm_status,
        ),
    ).where(key.where)
    window = await tenancy_service.created_window(session, auth.org_id, listing)
    rows, info = await repository.listed(params, listing, window, statement)
    return {
        "facilitator_id": key.shown,
        "items": await read_records(session, auth.org_id, rows),
        "statistics": await repository.statistics(key.where, utcnow() - RECENT),
        "pagination": info,
    }


async def facilitator_dashboard(
    session: AsyncSession, auth: AuthContext, *, facilitator_id: str
) -> dict[str, Any]:
    key = await _facilitator(session, auth, facilitator_id)
    repository = CrmRecordRepository(session, auth.org_id)
    now = utcnow()
    stats = await repository.statistics(key.where, now - RECENT)
    popular = await repository.popular_events(key.where, POPULAR_EVENTS)
    recent = await repository.latest(repository.scoped().where(key.where), RECENT_BOOKINGS)
    return {
        "facilitator_id": key.shown,
        "summary": {
            "total_bookings": stats["total_bookings"],
            "session_bookings": stats["session_bookings"],
            "retreat_bookings": stats["retreat_bookings"],
            "recent_bookings_count": stats["recent_bookings"],
            "unique_events": stats["unique_events"],
            "unique_users": stats["unique_users"],
        },
        "popular_events": [
            {
                "event_id": str(row["event_id"]) if row["event_id"] else row["external_event_id"],
                "event_title": row["event_title"],
                "event_type": row["event_type"],
                "booking_count": row["booking_count"],
            }
            for row in popular
        ],
        "recent_bookings": await read_records(session, auth.org_id, recent),
        "booking_trends": {
            "sessions_vs_retreats": {
                "sessions": stats["session_bookings"],
                "retreats": stats["retreat_bookings"],
            }
        },
        "generated_at": now,
    }
