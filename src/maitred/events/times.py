"""Event times: given with an offset or as local wall-clock times, stored in UTC.

A naive time is read in the event's zone; a wall-clock time that does not exist (the hour
skipped when clocks go forward) takes the offset from before the gap, as RFC 5545 says, so
02:30 on that night becomes 03:30.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from maitred.kit.errors import ValidationFailed


def zone_named(name: str, *, field: str = "timezone") -> ZoneInfo:
    """The IANA zone `name`, or 422 on `field`."""
    try:
        if name not in _known_zones():
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            details={field: f"Unknown timezone {name!r}; use an IANA name such as Europe/Paris"}
        ) from None


_ZONES: set[str] = set()


def _known_zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
        _ZONES.add("UTC")
    return _ZONES


def to_utc(moment: datetime, zone: ZoneInfo) -> datetime:
    """`moment` as UTC; a naive one is local time in `zone`."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone, fold=0)
    return moment.astimezone(UTC)


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A stored UTC instant as the event's wall-clock time, with its offset."""
    return moment.astimezone(zone)


def local_day_bounds(
    zone: ZoneInfo, date_from: date | None, date_to: date | None
) -> tuple[datetime | None, datetime | None]:
    """[start of `date_from`, start of the day after `date_to`) in UTC."""
    starts = None if date_from is None else to_utc(datetime.combine(date_from, time()), zone)
    before = (
        None
        if date_to is None
        else to_utc(datetime.combine(date_to + timedelta(days=1), time()), zone)
    )
    return starts, before
