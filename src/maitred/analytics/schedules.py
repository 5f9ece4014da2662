"""When a stored report runs by itself: monthly on a day, or weekly on a weekday, at a local
hour of the organization's zone. The next occurrence is computed in local time and kept in UTC,
so a schedule at 08:00 stays at 08:00 across DST."""

from __future__ import annotations

import calendar
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics.models import ReportSchedule
from maitred.kit.clock import utcnow

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
LOOKAHEAD_DAYS = 62  # a monthly occurrence is always found within two months


def _falls_on(frequency: str, day_number: int, day: date) -> bool:
    if frequency == "weekly":
        return day.weekday() == day_number
    last = calendar.monthrange(day.year, day.month)[1]
    return day.day == min(day_number, last)


def next_occurrence(frequency: str, day: int, hour: int, zone: str, after: datetime) -> datetime:
    """The first occurrence strictly after `after` (UTC). A local hour that DST skips runs an
    hour later that day, as the zone maps it."""
    tz = ZoneInfo(zone)
    first = after.astimezone(tz).date()
    for offset in range(LOOKAHEAD_DAYS):
        candidate = first + timedelta(days=offset)
        if not _falls_on(frequency, day, candidate):
            continue
        at = datetime.combine(candidate, time(hour), tzinfo=tz).astimezone(UTC)
        if at > after:
            return at
    raise RuntimeError(f"no occurrence of {frequency} {day} within {LOOKAHEAD_DAYS} days")


def schedule_read(schedule: ReportSchedule | None) -> dict[str, Any] | None:
    if schedule is None:
        return None
    weekly = schedule.frequency == "weekly"
    return {
        "frequency": schedule.frequency,
        "day_of_month": None if weekly else schedule.day,
        "weekday": WEEKDAYS[schedule.day] if weekly else None,
        "hour": schedule.hour,
        "recipients": list(schedule.recipients),
        "next_run_at": schedule.next_run_at,
        "last_run_id": schedule.last_run_id,
        "last_error": schedule.last_error,
    }


async def of_definitions(
    session: AsyncSession, organization_id: uuid.UUID, definition_ids: list[uuid.UUID]
) -> dict[uuid.UUID, ReportSchedule]:
    if not definition_ids:
        return {}
    rows = await session.scalars(
        select(ReportSchedule).where(
            ReportSchedule.organization_id == organization_id,
            ReportSchedule.definition_id.in_(definition_ids),
        )
    )
    return {row.definition_id: row for row in rows}


async def set_schedule(
    session: AsyncSession,
    organization_id: uuid.UUID,
    definition_id: uuid.UUID,
    wanted: dict[str, Any] | None,
    zone: str,
) -> ReportSchedule | None:
    """The definition's schedule as asked (None removes it); the next occurrence is counted
    from now, so a changed schedule never runs for a time already past."""
    current = (await of_definitions(session, organization_id, [definition_id])).get(definition_id)
    if wanted is None:
        if current is not None:
            await session.delete(current)
            await session.flush()
        return None
    frequency = wanted["frequency"]
    day = WEEKDAYS.index(wanted["weekday"]) if frequency == "weekly" else wanted["day_of_month"]
    due = next_occurrence(frequency, day, wanted["hour"], zone, utcnow())
    schedule = current or ReportSchedule(
        organization_id=organization_id, definition_id=definition_id
    )
    schedule.frequency, schedule.day, schedule.hour = frequency, day, wanted["hour"]
    schedule.recipients = list(wanted["recipients"])
    schedule.next_run_at = schedule.next_attempt_at = due
    schedule.status, schedule.attempts, schedule.last_error = "waiting", 0, None
    schedule.locked_by = schedule.locked_until = None
    if current is None:
        session.add(schedule)
    await session.flush()
    return schedule
