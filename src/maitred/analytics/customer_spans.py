"""A period's best customers, exact, from each customer's sums per local day, month and year
(analytics/models.CustomerSpanFigures, kept with the booking rollups by analytics/counted.py).

A period is cut into signed spans: whole years, whole months and days, where a span mostly
inside the period is taken whole minus its days or months outside it (a year up to today is
this year minus the days after today, plus last year's days in the period). Summed per
customer, that reads about one row per customer (a year up to today at a million bookings:
~75,000 rows instead of ~355,000 day rows keyed by a string).

Tried and dropped: summing exactly only the candidates whose upper bound (their share of the
largest added span plus the rest) could reach the best ones. With customers spending alike it
needed ~1,000 candidates and was no faster than summing everyone (bench/README.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Date, cast, delete, func, insert, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import deltas
from maitred.analytics.models import CountedBooking, CustomerSpanFigures

DAY, MONTH, YEAR = "d", "m", "y"
# About how many rows a span holds, a day's as 1: how a period is cut (fewest rows read).
_COST = {DAY: 1, MONTH: 20, YEAR: 60}


@dataclass(frozen=True)
class Piece:
    """The spans of one kind starting from `first` to `last`, added (sign 1) or taken (-1)."""

    span: str
    first: date
    last: date
    sign: int

    @property
    def cost(self) -> int:
        if self.span == DAY:
            return (self.last - self.first).days + 1
        months = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month
        return _COST[self.span] * (months // 12 + 1 if self.span == YEAR else months + 1)


def _cost(pieces: list[Piece]) -> int:
    return sum(p.cost for p in pieces)


def _flip(pieces: list[Piece]) -> list[Piece]:
    return [Piece(p.span, p.first, p.last, -p.sign) for p in pieces]


def _month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _months(start: date, end: date) -> list[Piece]:
    """`start`..`end` (within one year) as whole months and days."""
    found: list[Piece] = []
    first = start.replace(day=1)
    while first <= end:
        last = _month_end(first)
        part = (max(start, first), min(end, last))
        if part == (first, last):
            found.append(Piece(MONTH, first, first, 1))
        else:
            inside = [Piece(DAY, part[0], part[1], 1)]
            outside = [Piece(MONTH, first, first, 1)]
            if part[0] > first:
                outside.append(Piece(DAY, first, part[0] - timedelta(days=1), -1))
            if part[1] < last:
                outside.append(Piece(DAY, part[1] + timedelta(days=1), last, -1))
            found += min(inside, outside, key=_cost)
        first = last + timedelta(days=1)
    return _merged(found)


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Neighbouring whole months added one after another, as one piece."""
    out: list[Piece] = []
    for p in pieces:
        before = out[-1] if out else None
        if (
            before is not None
            and p.span == MONTH == before.span
            and p.sign == 1 == before.sign
            and _month_end(before.last) + timedelta(days=1) == p.first
        ):
            out[-1] = Piece(MONTH, before.first, p.first, 1)
        else:
            out.append(p)
    return out


def pieces(start: date, end: date) -> list[Piece]:
    """`start`..`end` as signed spans whose sums per customer add up to the period's."""
    found: list[Piece] = []
    for year in range(start.year, end.year + 1):
        first, last = date(year, 1, 1), date(year, 12, 31)
        part = (max(start, first), min(end, last))
        if part == (first, last):
            found.append(Piece(YEAR, first, first, 1))
            continue
        inside = _months(*part)
        outside = [Piece(YEAR, first, first, 1)]
        if part[0] > first:
            outside += _flip(_months(first, part[0] - timedelta(days=1)))
        if part[1] < last:
            outside += _flip(_months(part[1] + timedelta(days=1), last))
        found += min(inside, outside, key=_cost)
    return found


def _rows(organization_id: uuid.UUID, piece: Piece) -> Any:
    s = CustomerSpanFigures
    return select(
        s.customer_id, (s.count * piece.sign).label("n"), (s.amount_minor * piece.sign).label("a")
    ).where(
        s.organization_id == organization_id,
        s.span == piece.span,
        s.start.between(piece.first, piece.last),
    )


def _summed(organization_id: uuid.UUID, parts: list[Piece], limit: int | None) -> Any:
    """(customer, bookings, recognised cents, how many customers) over `parts`, best first, of
    the customers with a booking there."""
    rows = union_all(*(_rows(organization_id, p) for p in parts)).subquery()
    count, cents = func.sum(rows.c.n), func.sum(rows.c.a)
    return (
        select(rows.c.customer_id, count, cents, func.count().over())
        .group_by(rows.c.customer_id)
        .having(count > 0)
        .order_by(cents.desc(), count.desc(), rows.c.customer_id)
        .limit(limit)
    )


async def top_customers(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, limit: int = 10
) -> list[tuple[uuid.UUID, int, int]]:
    """As `BookingFigures.top_customers` (customer, bookings, recognised cents; best first)."""
    return (await best_and_booked(session, organization_id, start, end, limit))[0]


async def best_and_booked(
    session: AsyncSession, organization_id: uuid.UUID, start: date, end: date, limit: int = 10
) -> tuple[list[tuple[uuid.UUID, int, int]], int]:
    """The period's best customers, and how many customers have a booking in it: both come
    from the same sums."""
    found = (await session.execute(_summed(organization_id, pieces(start, end), limit))).all()
    best = [(c, int(n), int(a)) for c, n, a, _ in found]
    return best, int(found[0][3]) if found else 0


def _starts(dialect: str) -> dict[str, Any]:
    """Each span's first day from a booking's day, in SQL."""
    day = CountedBooking.day
    if dialect == "postgresql":
        return {
            DAY: day,
            MONTH: cast(func.date_trunc("month", day), Date),
            YEAR: cast(func.date_trunc("year", day), Date),
        }
    return {
        DAY: day,
        MONTH: func.date(day, "start of month"),
        YEAR: func.date(day, "start of year"),
    }


async def rebuild(session: AsyncSession, organization_id: uuid.UUID) -> None:
    """Every span recomputed from the kept booking figures (analytics/rollups.rebuild fills
    those first)."""
    s, c = CustomerSpanFigures, CountedBooking
    await session.execute(delete(s).where(s.organization_id == organization_id))
    dialect = session.get_bind().dialect.name
    new_id = deltas.new_id(dialect)
    columns = ["id", "organization_id", "customer_id", "span", "start", "count", "amount_minor"]
    for span, first in _starts(dialect).items():
        spans = (
            select(
                new_id,
                c.organization_id,
                c.customer_id,
                literal(span),
                first,
                func.count(),
                func.sum(c.recognised_minor),
            )
            .where(c.organization_id == organization_id, c.status != "cancelled")
            .group_by(c.organization_id, c.customer_id, first)
        )
        await session.execute(insert(s).from_select(columns, spans, include_defaults=True))
