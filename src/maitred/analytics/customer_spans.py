"""A period's best customers, exact, from each customer's sums per local day, month and year
(analytics/models.CustomerSpanFigures, kept with the booking rollups by analytics/counted.py).

A period is cut into signed spans: whole years, whole months and days, where a span almost
inside the period is taken whole minus the days or months of it outside (a year up to today is
this year minus the days after today plus last year's days in the period). Summed per customer
that is about one row per customer instead of one per customer and booking day.

Then only a few customers are summed exactly. Recognised revenue is never negative, so a
customer's sum is at most what they have in the period's added spans: their share of the
largest added span (read by revenue from the index) plus their share of the small ones. The
best customers of the largest span and of the rest are summed exactly; once the last of the
`limit` best of those is above what anyone else could reach, they are the answer, ties
included. Otherwise the search widens, and at worst sums every customer."""

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
_WIDEST = 4096  # candidates per list before summing every customer instead


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
        return _COST[self.span] * (1 if self.first == self.last else 2)


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


def _rows(organization_id: uuid.UUID, piece: Piece, among: list[uuid.UUID] | None) -> Any:
    s = CustomerSpanFigures
    statement = select(
        s.customer_id, (s.count * piece.sign).label("n"), (s.amount_minor * piece.sign).label("a")
    ).where(
        s.organization_id == organization_id,
        s.span == piece.span,
        s.start.between(piece.first, piece.last),
    )
    return statement if among is None else statement.where(s.customer_id.in_(among))


async def _summed(
    session: AsyncSession,
    organization_id: uuid.UUID,
    parts: list[Piece],
    limit: int | None,
    among: list[uuid.UUID] | None = None,
) -> list[tuple[uuid.UUID, int, int]]:
    """(customer, bookings, recognised cents) over `parts`, best first, of those with a
    booking there (of `among` only, when given)."""
    rows = union_all(*(_rows(organization_id, p, among) for p in parts)).subquery()
    count, cents = func.sum(rows.c.n), func.sum(rows.c.a)
    statement = (
        select(rows.c.customer_id, count, cents)
        .group_by(rows.c.customer_id)
        .having(count > 0)
        .order_by(cents.desc(), count.desc(), rows.c.customer_id)
        .limit(limit)
    )
    return [(c, int(n), int(a)) for c, n, a in (await session.execute(statement)).all()]


async def _best_of(
    session: AsyncSession, organization_id: uuid.UUID, piece: Piece, limit: int
) -> list[tuple[uuid.UUID, int]]:
    """The customers of one span by revenue, best first (from the index)."""
    s = CustomerSpanFigures
    statement = (
        select(s.customer_id, s.amount_minor)
        .where(s.organization_id == organization_id, s.span == piece.span, s.start == piece.first)
        .order_by(s.amount_minor.desc())
        .limit(limit)
    )
    return [(c, int(a)) for c, a in (await session.execute(statement)).all()]


async def top_customers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date,
    end: date,
    limit: int = 10,
    first: int = 64,
) -> list[tuple[uuid.UUID, int, int]]:
    """As `BookingFigures.top_customers` (customer, bookings, recognised cents; best first);
    `first`: the candidates taken from each list in the first round (four times more each
    further round)."""
    parts = pieces(start, end)
    added = [p for p in parts if p.sign > 0]
    whole = [p for p in added if p.span != DAY and p.first == p.last]
    big = max(whole, key=lambda p: p.cost, default=None)
    rest = [p for p in added if p is not big]
    if big is None or _cost(rest) >= big.cost:
        return await _summed(session, organization_id, parts, limit)
    others = await _summed(session, organization_id, rest, None) if rest else []
    k = first
    while k <= _WIDEST:
        best = await _best_of(session, organization_id, big, k)
        exhausted = len(best) < k and len(others) <= k
        among = sorted({c for c, _ in best} | {c for c, _, _ in others[:k]})
        exact = await _summed(session, organization_id, parts, limit, among)
        if exhausted:
            return exact
        reach = (best[-1][1] if len(best) == k else 0) + (others[k][2] if len(others) > k else 0)
        if len(exact) == limit and exact[-1][2] > reach:
            return exact
        k *= 4
    return await _summed(session, organization_id, parts, limit)


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
