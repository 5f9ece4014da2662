"""Series: one event per occurrence, sharing a series id.

Occurrences repeat the first one's local wall-clock times, so a 07:00 class stays at 07:00
when daylight saving time begins or ends (its UTC time moves instead). The rule is RFC 5545
(RRULE with RDATE, EXDATE, EXRULE; see `recurrence`), or the simple `weekdays` +
`until`/`count` pattern. A series is bounded: at most 200 occurrences.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.events.changes import check_times, context_for, new_event
from maitred.events.reads import event_read
from maitred.events.recurrence import local_times, weekly_local_times
from maitred.events.repository import EventRepository
from maitred.events.times import to_utc
from maitred.kit.auditnote import record
from maitred.kit.errors import ValidationFailed


def _invalid(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(details={field: message})


def occurrences(
    starts: list[datetime], local_start: datetime, local_end: datetime, zone: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """(starts_at, ends_at) in UTC of each local start, each as long in wall-clock time as the
    first occurrence, converted with its own day's offset."""
    if not starts:
        raise _invalid("The rule yields no occurrence", "series")
    length = local_end - local_start
    return [(to_utc(start, zone), to_utc(start + length, zone)) for start in starts]


def _naive_local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment if moment.tzinfo is None else moment.astimezone(zone).replace(tzinfo=None)


async def create_series(
    session: AsyncSession, *, organization_id: uuid.UUID, fields: dict[str, Any]
) -> dict[str, Any]:
    """`fields`: a SeriesCreate as a dict; its times are the first occurrence's."""
    rrule, weekdays = fields.pop("rrule", None), fields.pop("weekdays", None)
    until, count = fields.pop("until", None), fields.pop("count", None)
    if (rrule is None) == (weekdays is None):
        raise _invalid("Give either rrule or weekdays", "series")
    if rrule is not None and (until is not None or count is not None):
        raise _invalid("With rrule, give COUNT or UNTIL inside it", "series")
    context = await context_for(session, organization_id, fields)
    check_times(
        to_utc(fields["start_datetime"], context.zone), to_utc(fields["end_datetime"], context.zone)
    )
    local_start = _naive_local(fields["start_datetime"], context.zone)
    local_end = _naive_local(fields["end_datetime"], context.zone)
    starts = (
        local_times(rrule, local_start, context.zone)
        if rrule is not None
        else weekly_local_times(weekdays, local_start, until, count)
    )
    times = occurrences(starts, local_start, local_end, context.zone)
    series_id = uuid.uuid4()
    repository = EventRepository(session, organization_id)
    events = [
        repository.add(new_event(context, fields, starts_at=s, ends_at=e, series_id=series_id))
        for s, e in times
    ]
    await session.flush()
    record(
        "event.series_created",
        resource_type="event_series",
        resource_id=series_id,
        organization_id=organization_id,
        changes={"title": fields["title"], "count": len(events), "rule": rrule or str(weekdays)},
    )
    return {
        "series_id": series_id,
        "count": len(events),
        "events": [event_read(e, context.facilitator) for e in events],
    }
