"""One period's bookings folded from the grouped day rows (days × statuses × event types),
and the lead time read from its histogram: Python folds aggregates, never bookings."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from maitred.analytics.periods import GroupBy, Period, bucket_of, buckets
from maitred.bookings.service import figures as booking_figures
from maitred.kit.money import from_minor

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass
class Totals:
    """One period's bookings, folded from `DayRow`s."""

    count: int = 0
    guests: int = 0
    recognised_minor: int = 0
    earned_minor: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    by_weekday: Counter[int] = field(default_factory=Counter)  # not cancelled, Monday = 0

    @property
    def went_ahead(self) -> int:
        """Confirmed and completed: seed 000's `confirmed_bookings`."""
        return self.by_status["confirmed"] + self.by_status["completed"]

    @property
    def revenue(self) -> Decimal:
        return from_minor(self.recognised_minor)

    @property
    def average_value(self) -> Decimal:
        if not self.went_ahead:
            return Decimal(0)
        return from_minor(self.earned_minor // self.went_ahead)


@dataclass
class Folded:
    totals: Totals
    series: dict[date, Totals]


def fold(rows: list[booking_figures.DayRow], period: Period, group_by: GroupBy) -> Folded:
    totals = Totals()
    series = {first: Totals() for first in buckets(period, group_by)}
    for row in rows:
        for into in (totals, series[bucket_of(row.day, group_by)]):
            into.count += row.count
            into.guests += row.guests
            into.recognised_minor += row.recognised_minor
            into.earned_minor += row.earned_minor
            into.by_status[row.status] += row.count
            into.by_type[row.event_type] += row.count
            if row.status != "cancelled":
                into.by_weekday[row.day.weekday()] += row.count
    return Folded(totals, series)


def lead_time(histogram: list[tuple[int, int]]) -> dict[str, float | None]:
    """Average and median days from request to event, read from (days, bookings) rows."""
    count = sum(n for _, n in histogram)
    if not count:
        return {"average_days": None, "median_days": None}
    ordered = sorted(histogram)
    middle: list[int] = []
    seen = 0
    for days, n in ordered:  # the one or two middle bookings of the sorted list
        for position in {(count - 1) // 2, count // 2}:
            if seen <= position < seen + n:
                middle.append(days)
        seen += n
    return {
        "average_days": round(sum(d * n for d, n in histogram) / count, 1),
        "median_days": round(sum(middle) / len(middle), 1),
    }
