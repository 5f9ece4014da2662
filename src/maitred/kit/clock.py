"""The one place that reads the time, so every timestamp is timezone-aware UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def isoformat_z(moment: datetime) -> str:
    """`2025-10-25T10:30:00Z`: the timestamp format of every response."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
