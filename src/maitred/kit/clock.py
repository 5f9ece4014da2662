"""The one place that reads the time, so every timestamp is timezone-aware UTC."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2999, 12, 31)


def _within_calendar(day: date) -> date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValueError(f"Use a date between {EARLIEST_DATE} and {LATEST_DATE}")
    return day


# A date a person can mean: 0001-01-01 or 9999-12-31 would overflow the day arithmetic (the
# day after, a local midnight in UTC) and answer 500, so they are a 422 at the door.
CalendarDate = Annotated[date, AfterValidator(_within_calendar)]


def utcnow() -> datetime:
    return datetime.now(UTC)


def isoformat_z(moment: datetime) -> str:
    """`2025-10-25T10:30:00Z`: the timestamp format of every response."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def local_days(
    date_from: date | None, date_to: date | None, zone: str
) -> tuple[datetime | None, datetime | None]:
    """The UTC span of whole local days `date_from`..`date_to` (inclusive) in `zone`: from the
    first day's midnight, until the midnight after the last; None where a bound is not given."""
    return (
        _midnight(date_from, zone) if date_from else None,
        _midnight(date_to + timedelta(days=1), zone) if date_to else None,
    )


def _midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(zone)).astimezone(UTC)


def example_saturday(weeks_ahead: int = 22) -> str:
    """A Saturday about five months from when the process started, for request examples in the
    API docs: "Try it out" must send a date that is still ahead (and past a demo's three
    months of bookings), not one that was when the seed was written."""
    day = utcnow().date() + timedelta(weeks=weeks_ahead)
    return (day + timedelta(days=(5 - day.weekday()) % 7)).isoformat()
