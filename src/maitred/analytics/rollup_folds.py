"""A period's booking figures folded by the database from the day rollup
(analytics/models.BookingDayFigures): the totals by status and event type, the bookings by
weekday and the series by bucket come back as three small grouped answers (about 15, 7 and
buckets × statuses rows) instead of every day × status × type row of the period, which Python
would fold. The same `Folded` as `totals.fold` over `rollups.day_rows` (tests/analytics)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer, bindparam, cast, func, literal, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics.models import BookingDayFigures
from maitred.analytics.periods import GroupBy, Period, buckets
from maitred.analytics.totals import Folded, Totals

_DAYS: Any = BookingDayFigures.__table__
_SUMS = (
    func.sum(_DAYS.c.count),
    func.sum(_DAYS.c.guests),
    func.sum(_DAYS.c.recognised_minor),
    func.sum(_DAYS.c.earned_minor),
)
_IN_PERIOD = (
    _DAYS.c.organization_id == bindparam("org"),
    _DAYS.c.day >= bindparam("start"),
    _DAYS.c.day <= bindparam("end"),
)


def _weekday(dialect: str) -> Any:
    """Monday = 0, as `date.weekday()`."""
    if dialect == "postgresql":
        return cast(func.extract("isodow", _DAYS.c.day), Integer) - 1
    return (cast(func.strftime("%w", _DAYS.c.day), Integer) + 6) % 7


def _bucket(dialect: str, group_by: GroupBy) -> Any:
    """The first day of the bucket a day falls in (`periods.bucket_of`)."""
    day = _DAYS.c.day
    if group_by is GroupBy.day:
        return day
    if dialect == "postgresql":
        return cast(func.date_trunc(group_by.value, day), Date)
    if group_by is GroupBy.month:
        return type_coerce(func.strftime("%Y-%m-01", day), Date)
    back = literal("-").concat(cast(_weekday(dialect), Integer)).concat(" days")
    return type_coerce(func.date(day, back), Date)


def _statements(dialect: str) -> dict[str, Any]:
    weekday = _weekday(dialect)
    series = {}
    for group_by in GroupBy:
        bucket = _bucket(dialect, group_by).label("bucket")
        series[group_by] = (
            select(bucket, _DAYS.c.status, *_SUMS)
            .where(*_IN_PERIOD)
            .group_by(bucket, _DAYS.c.status)
        )
    return {
        "totals": select(_DAYS.c.status, _DAYS.c.event_type, *_SUMS)
        .where(*_IN_PERIOD)
        .group_by(_DAYS.c.status, _DAYS.c.event_type),
        "weekdays": select(weekday.label("weekday"), func.sum(_DAYS.c.count))
        .where(*_IN_PERIOD, _DAYS.c.status != "cancelled")
        .group_by(weekday),
        "series": series,
    }


# Built once per dialect: every dashboard answer runs them.
_STATEMENTS = {dialect: _statements(dialect) for dialect in ("postgresql", "sqlite")}


def _add(into: Totals, status: str, n: int, guests: int, recognised: int, earned: int) -> None:
    into.count += n
    into.guests += guests
    into.recognised_minor += recognised
    into.earned_minor += earned
    into.by_status[status] += n


async def folded(
    session: AsyncSession,
    organization_id: uuid.UUID,
    period: Period,
    group_by: GroupBy,
    *,
    series: bool = True,
) -> Folded:
    """The period's totals (with weekdays) and, with `series`, each bucket's totals (their
    `by_type` and `by_weekday` left empty: the answers read neither per bucket)."""
    statements = _STATEMENTS[session.get_bind().dialect.name]
    asked = {"org": organization_id, "start": period.start, "end": period.end}
    totals = Totals()
    for status, kind, n, guests, recognised, earned in await session.execute(
        statements["totals"], asked
    ):
        _add(totals, status, int(n), int(guests), int(recognised), int(earned))
        totals.by_type[kind] += int(n)
    for weekday, n in await session.execute(statements["weekdays"], asked):
        totals.by_weekday[int(weekday)] += int(n)
    by_bucket: dict[date, Totals] = {}
    if series:
        by_bucket = {first: Totals() for first in buckets(period, group_by)}
        for first, status, n, guests, recognised, earned in await session.execute(
            statements["series"][group_by], asked
        ):
            _add(by_bucket[first], status, int(n), int(guests), int(recognised), int(earned))
    return Folded(totals, by_bucket)
