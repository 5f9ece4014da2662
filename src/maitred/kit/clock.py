"""The one place that reads the time, so every timestamp is timezone-aware UTC."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


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
