"""Weekly series: one event per occurrence, sharing a series id.

Occurrences repeat the first one's local wall-clock times, so a 07:00 class stays at 07:00
when daylight saving time begins or ends (its UTC time moves instead). The rule is a subset
of RFC 5545 RRULE: FREQ=WEEKLY with BYDAY, INTERVAL, WKST=MO and COUNT or UNTIL; or the
simple `weekdays` + `until`/`count` pattern. A series is bounded: at most 200 occurrences.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.events.changes import check_times, context_for, new_event
from maitred.events.reads import event_read
from maitred.events.repository import EventRepository
from maitred.events.schemas import MAX_OCCURRENCES
from maitred.events.times import to_utc
from maitred.kit.auditnote import record
from maitred.kit.errors import ValidationFailed

_DAYS = {"MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6, "SU": 7}
_RRULE_PARTS = frozenset({"FREQ", "BYDAY", "INTERVAL", "COUNT", "UNTIL", "WKST"})


@dataclass(frozen=True)
class Rule:
    """Every `interval`-th week (from the first occurrence's week), on `weekdays`; until the
    local date `until` (inclusive) or the instant `until_instant`, or `count` occurrences."""

    weekdays: frozenset[int]
    interval: int = 1
    count: int | None = None
    until: date | None = None
    until_instant: datetime | None = None


def _invalid(message: str, field: str = "rrule") -> ValidationFailed:
    return ValidationFailed(details={field: message})


def _positive(name: str, text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise _invalid(f"{name} must be a positive whole number")
    return int(text)


def _until(text: str, zone: ZoneInfo) -> tuple[date | None, datetime | None]:
    for form in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S", "%Y%m%d"):
        try:
            parsed = datetime.strptime(text, form)  # noqa: DTZ007 - the zone is added below
        except ValueError:
            continue
        if form == "%Y%m%d":
            return parsed.date(), None
        if text.endswith("Z"):
            return None, parsed.replace(tzinfo=UTC)
        return None, to_utc(parsed, zone)
    raise _invalid("UNTIL must be a date (20300331) or a time (20300331T070000Z)")


def parse_rrule(text: str, zone: ZoneInfo, first_weekday: int) -> Rule:
    """The supported RRULE subset, or 422 naming what is not supported."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts: dict[str, str] = {}
    for piece in filter(None, body.split(";")):
        name, sep, value = piece.partition("=")
        name = name.strip().upper()
        if not sep or not value.strip():
            raise _invalid(f"{piece!r} is not NAME=VALUE")
        if name not in _RRULE_PARTS:
            raise _invalid(f"{name} is not supported; use FREQ, BYDAY, INTERVAL, COUNT or UNTIL")
        if name in parts:
            raise _invalid(f"{name} is given twice")
        parts[name] = value.strip().upper()
    if parts.get("FREQ") != "WEEKLY":
        raise _invalid("Only FREQ=WEEKLY is supported")
    if parts.get("WKST", "MO") != "MO":
        raise _invalid("Only WKST=MO is supported")
    days = set()
    for day in filter(None, parts.get("BYDAY", "").split(",")):
        if day not in _DAYS:
            raise _invalid(f"BYDAY takes MO, TU, WE, TH, FR, SA, SU, not {day!r}")
        days.add(_DAYS[day])
    if "COUNT" in parts and "UNTIL" in parts:
        raise _invalid("Give COUNT or UNTIL, not both")
    if "COUNT" not in parts and "UNTIL" not in parts:
        raise _invalid("Give COUNT or UNTIL: a series must end")
    count = _positive("COUNT", parts["COUNT"]) if "COUNT" in parts else None
    until, until_instant = _until(parts["UNTIL"], zone) if "UNTIL" in parts else (None, None)
    return Rule(
        weekdays=frozenset(days or {first_weekday}),
        interval=_positive("INTERVAL", parts.get("INTERVAL", "1")),
        count=count,
        until=until,
        until_instant=until_instant,
    )


def simple_rule(weekdays: list[int], until: date | None, count: int | None) -> Rule:
    if until is None and count is None:
        raise _invalid("Give until and/or count: a series must end", "until")
    return Rule(weekdays=frozenset(weekdays), count=count, until=until)


def _local_days(rule: Rule, first: date) -> Iterator[date]:
    """Dates on the rule from `first` on, in order, without end (the caller stops)."""
    week = first - timedelta(days=first.isoweekday() - 1)
    while True:
        for weekday in sorted(rule.weekdays):
            day = week + timedelta(days=weekday - 1)
            if day >= first:
                yield day
        week += timedelta(weeks=rule.interval)


def occurrences(
    rule: Rule, local_start: datetime, local_end: datetime, zone: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """(starts_at, ends_at) in UTC of each occurrence; `local_start`/`local_end` are the first
    occurrence's naive wall-clock times. More than 200 is 422."""
    length = local_end - local_start
    found: list[tuple[datetime, datetime]] = []
    for day in _local_days(rule, local_start.date()):
        if rule.count is not None and len(found) == rule.count:
            break
        if rule.until is not None and day > rule.until:
            break
        starts = datetime.combine(day, local_start.time())
        starts_at = to_utc(starts, zone)
        if rule.until_instant is not None and starts_at > rule.until_instant:
            break
        if len(found) == MAX_OCCURRENCES:
            raise _invalid(f"A series has at most {MAX_OCCURRENCES} occurrences", "series")
        found.append((starts_at, to_utc(starts + length, zone)))
    if not found:
        raise _invalid("The rule yields no occurrence", "series")
    return found


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
    rule = (
        parse_rrule(rrule, context.zone, local_start.isoweekday())
        if rrule is not None
        else simple_rule(weekdays, until, count)
    )
    times = occurrences(rule, local_start, local_end, context.zone)
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
