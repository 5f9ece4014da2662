"""Periods of local calendar days, the equal period before them, and their buckets by day,
ISO week (from Monday) or month. A day is the organization's local day, so a bucket never
depends on UTC offsets or DST."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from maitred.kit.errors import ValidationFailed

MAX_DAYS = 3 * 366  # a dashboard's range: three years at most
DEFAULT_DAYS = 30


class GroupBy(StrEnum):
    day = "day"
    week = "week"
    month = "month"


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length that ends the day before this one starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)


def period_of(start: date | None, end: date | None, today: date) -> Period:
    """The days asked; by default the last 30 days up to today (or from `start`, or to `end`)."""
    if start is None and end is None:
        end = today
    if end is None:
        assert start is not None
        end = start + timedelta(days=DEFAULT_DAYS - 1)
    if start is None:
        start = end - timedelta(days=DEFAULT_DAYS - 1)
    if end < start:
        raise ValidationFailed(details={"period": "The last day must be on or after the first"})
    if (end - start).days + 1 > MAX_DAYS:
        raise ValidationFailed(details={"period": f"A period is at most {MAX_DAYS} days"})
    return Period(start, end)


def bucket_of(day: date, group_by: GroupBy) -> date:
    """The first day of the bucket `day` falls in."""
    if group_by is GroupBy.week:
        return day - timedelta(days=day.weekday())
    if group_by is GroupBy.month:
        return day.replace(day=1)
    return day


def buckets(period: Period, group_by: GroupBy) -> list[date]:
    """Every bucket the period touches, in order, empty ones included."""
    found: list[date] = []
    day = period.start
    while day <= period.end:
        first = bucket_of(day, group_by)
        if not found or found[-1] != first:
            found.append(first)
        day += timedelta(days=1)
    return found


def change_percent(current: Decimal | int, previous: Decimal | int) -> float | None:
    """Seed 001's `change_percent`: None when there is nothing before to compare with."""
    if previous == 0:
        return None
    return round(float((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)), 1)


def trend(current: Decimal | int, previous: Decimal | int) -> str:
    if current > previous:
        return "up"
    if current < previous:
        return "down"
    return "flat"
