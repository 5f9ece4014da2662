"""A period's best customers, exact, from each customer's sums per local day, month and year
(analytics/models.CustomerSpanFigures, kept with the booking rollups by analytics/counted.py).

A period is cut into signed spans (analytics/span_pieces.py): whole years, months and days,
where a span mostly inside the period is taken whole minus its days or months outside it (a
year up to today is this year minus the days after today, plus last year's days in it). Summed per
customer, that reads about one row per customer (a year up to today at a million bookings:
~75,000 rows instead of ~355,000 day rows keyed by a string).

A long period covered by one or two whole spans (the year up to today: last December and this
year, minus the days outside) reads fewer still. Recognised revenue is never negative, so a
customer's sum is at most their revenue in those spans. The best few hundred customers of each
span (read by revenue from the index) are summed exactly; once the last of the best of those
is above what anyone else could reach (the next one's revenue in each span, added), they are
the answer, ties included. Otherwise (many alike at the top) everyone is summed.

On SQLite (and for a period mostly in one whole year or month) the search is one statement:
the customers of that span's best few hundred and those of the other added spans (the edge
days) are summed exactly; anyone else has at most their revenue in the big span, below the
last of those best. A year up to today then sums ~3,000 rows instead of ~30,000."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import (
    ARRAY,
    Date,
    Integer,
    Uuid,
    any_,
    cast,
    delete,
    extract,
    func,
    insert,
    literal,
    select,
    union,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import deltas
from maitred.analytics.models import CountedBooking, CustomerSpanFigures
from maitred.analytics.span_pieces import (
    DAY,
    MONTH,
    SHIFTED_YEARS,
    YEAR,
    Piece,
    added_one_by_one,
    around_shifted_year,
    cost_of,
    pieces,
    whole_spans,
)

_PRUNED_FROM = 60  # below, summing everyone is about as cheap as any search
_FIRST = 512  # candidates per added span (PostgreSQL)
_MOST_LISTS = 2  # more added spans, and the bounds are too loose to leave anyone out
_PICKED = 256  # candidates from the one big span (SQLite)


def _rows(organization_id: uuid.UUID, piece: Piece, among: Any = None) -> Any:
    s = CustomerSpanFigures
    rows = select(
        s.customer_id, (s.count * piece.sign).label("n"), (s.amount_minor * piece.sign).label("a")
    ).where(
        s.organization_id == organization_id,
        s.span == piece.span,
        s.start.between(piece.first, piece.last),
    )
    return rows if among is None else rows.where(among)


def _summed(
    organization_id: uuid.UUID, parts: list[Piece], limit: int | None, among: Any = None
) -> Any:
    """(customer, bookings, recognised cents) over `parts`, best first, of the customers with
    a booking there (`among`: a condition on the customer's id)."""
    return _grouped([_rows(organization_id, p, among) for p in parts], limit)


def _grouped(arms: list[Any], limit: int | None) -> Any:
    """The signed rows of `arms` summed per customer, best first (those left with bookings)."""
    rows = union_all(*arms).subquery()
    count, cents = func.sum(rows.c.n), func.sum(rows.c.a)
    return (
        select(rows.c.customer_id, count, cents)
        .group_by(rows.c.customer_id)
        .having(count > 0)
        .order_by(cents.desc(), count.desc(), rows.c.customer_id)
        .limit(limit)
    )


def _among(dialect: str, ids: list[uuid.UUID]) -> Any:
    """The customers `ids`, as one array parameter on PostgreSQL (not a thousand)."""
    customer = CustomerSpanFigures.customer_id
    if dialect == "postgresql":
        return customer == any_(cast(literal(ids, ARRAY(Uuid())), ARRAY(Uuid())))
    return customer.in_(ids)


async def _by_revenue(
    session: AsyncSession, organization_id: uuid.UUID, piece: Piece, limit: int
) -> list[tuple[uuid.UUID, int]]:
    """One span's customers by revenue, best first (from the index)."""
    s = CustomerSpanFigures
    statement = (
        select(s.customer_id, s.amount_minor)
        .where(s.organization_id == organization_id, s.span == piece.span, s.start == piece.first)
        .order_by(s.amount_minor.desc())
        .limit(limit)
    )
    return [(c, int(a)) for c, a in (await session.execute(statement)).all()]


def _kth_most(tops: list[list[tuple[uuid.UUID, int]]], k: int) -> int:
    """At most what the k-th best customer has in the spans of `tops` together (each best
    first, at least k long or complete): of any k customers, one is at least i-th in the first
    span and j-th in the second with i + j = k - 1 (0-based)."""
    if len(tops) == 1:
        return tops[0][k - 1][1] if len(tops[0]) >= k else 0
    a, b = (top + [(uuid.UUID(int=0), 0)] * k for top in tops)
    return max(a[i][1] + b[k - 1 - i][1] for i in range(k))


async def _pruned(
    session: AsyncSession,
    organization_id: uuid.UUID,
    parts: list[Piece],
    lists: list[Piece],
    limit: int,
    first: int,
) -> list[tuple[uuid.UUID, int, int]] | None:
    """The best customers summed exactly among the `first` best of each added span only, if
    no one else can reach them; None if someone could (many alike at the top)."""
    tops = [await _by_revenue(session, organization_id, p, first + 1) for p in lists]
    complete = all(len(top) <= first for top in tops)
    reach = sum(top[first][1] for top in tops if len(top) > first)  # anyone else's most
    if not complete and _kth_most(tops, limit) <= reach:
        return None  # the limit-th best cannot be above it: summing the few is no use
    ids = sorted({c for top in tops for c, _ in top[:first]})
    among = _among(session.get_bind().dialect.name, ids)
    found = (await session.execute(_summed(organization_id, parts, limit, among))).all()
    best = [(c, int(n), int(a)) for c, n, a in found]
    if complete or (len(best) == limit and best[-1][2] > reach):
        return best
    return None


def _big(parts: list[Piece]) -> Piece | None:
    """The added whole year or month holding most of the period's rows, if any: it has one
    row per customer, readable by revenue from the index. Everyone in the other added spans
    is summed, so those must be smaller; the spans taken are only read."""
    spans = added_one_by_one([p for p in parts if p.sign > 0 and p.span != DAY])
    big = max(spans, key=lambda p: p.cost, default=None)
    if big is None or 2 * cost_of(parts) > 5 * big.cost:
        return None
    added = cost_of(p for p in parts if p.sign > 0) - big.cost
    return big if added < big.cost else None


def _without(parts: list[Piece], big: Piece) -> list[Piece]:
    """`parts` but the span `big` (a run of added spans holding it is split)."""
    out: list[Piece] = []
    for p in parts:
        if p.sign > 0 and p.span == big.span and p.first <= big.first <= p.last:
            out += [one for one in added_one_by_one([p]) if one.first != big.first]
        else:
            out.append(p)
    return out


async def _picked(
    session: AsyncSession,
    organization_id: uuid.UUID,
    parts: list[Piece],
    big: Piece,
    limit: int,
    first: int,
) -> list[tuple[uuid.UUID, int, int]] | None:
    """The best customers, summed exactly in one statement among the `first` best of the big
    span and everyone in the period's other added spans, if no one else can reach them (the
    others' sum is their revenue in the big span minus what is taken, at most the next best
    revenue there); None if someone could."""
    s = CustomerSpanFigures
    in_big = (s.organization_id == organization_id, s.span == big.span, s.start == big.first)
    by_revenue = select(s.customer_id).where(*in_big).order_by(s.amount_minor.desc())
    next_best = by_revenue.with_only_columns(s.amount_minor).offset(first).limit(1)
    others = _without(parts, big)
    who = union(
        select(by_revenue.limit(first).subquery().c.customer_id),
        *(_rows(organization_id, p).with_only_columns(s.customer_id) for p in others if p.sign > 0),
    )
    # The start by equality: the customer's id then narrows the index (a probe each).
    summed = select(s.customer_id, s.count.label("n"), s.amount_minor.label("a"))
    arms = [summed.where(*in_big, s.customer_id.in_(who))]
    arms += [_rows(organization_id, p) for p in others]
    statement = _grouped(arms, limit).add_columns(next_best.scalar_subquery())
    found = (await session.execute(statement)).all()
    if not found:
        return None  # no one left: how many the big span holds is not known
    reach = found[0][3]  # the most anyone else has
    best = [(c, int(n), int(a)) for c, n, a, _ in found]
    if reach is None or (len(best) == limit and best[-1][2] > reach):
        return best
    return None


async def top_customers(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date,
    end: date,
    limit: int = 10,
    first: int | None = None,
) -> list[tuple[uuid.UUID, int, int]]:
    """As `BookingFigures.top_customers` (customer, bookings, recognised cents; best first).
    `first`: the candidates taken from each added span (PostgreSQL, 512 by default) or from
    the big one (SQLite, 256) before summing everyone instead. On SQLite, filtering a span by
    a thousand ids costs about what summing it does, but probing the big span for a few
    thousand customers from the index is cheap (bench/README.md)."""
    postgresql = session.get_bind().dialect.name == "postgresql"
    if first is None:
        first = _FIRST if postgresql else _PICKED
    parts = pieces(start, end)
    if 0 < limit <= first:
        if postgresql:
            best = await _by_lists(session, organization_id, parts, limit, first)
        else:
            best = await _by_big_span(session, organization_id, start, end, limit, first)
        if best is not None:
            return best
    found = (await session.execute(_summed(organization_id, parts, limit))).all()
    return [(c, int(n), int(a)) for c, n, a in found]


async def _by_lists(
    session: AsyncSession, organization_id: uuid.UUID, parts: list[Piece], limit: int, first: int
) -> list[tuple[uuid.UUID, int, int]] | None:
    """The best of each added span, when they are at most two (PostgreSQL)."""
    covering = whole_spans(parts)
    lists = added_one_by_one(covering)
    if cost_of(parts) <= _PRUNED_FROM or len(lists) > _MOST_LISTS:
        return None
    return await _pruned(session, organization_id, covering, lists, limit, first)


async def _by_big_span(
    session: AsyncSession,
    organization_id: uuid.UUID,
    start: date,
    end: date,
    limit: int,
    first: int,
) -> list[tuple[uuid.UUID, int, int]] | None:
    """The best of the big span and everyone at the edges, when one span holds most (SQLite;
    a whole year or month is then read from the top of the index): a calendar year or month,
    else a year starting in April, July or October."""
    parts = pieces(start, end)
    big = _big(parts)
    if big is None:
        parts = around_shifted_year(start, end)
        big = _big(parts)
    if big is None:
        return None
    return await _picked(session, organization_id, parts, big, limit, first)


def _starts(dialect: str) -> dict[str, Any]:
    """Each span's first day from a booking's day, in SQL."""
    day = CountedBooking.day
    if dialect == "postgresql":
        month = cast(func.date_trunc("month", day), Date)
        since = cast(extract("month", day), Integer)
        return {
            DAY: day,
            MONTH: month,
            YEAR: cast(func.date_trunc("year", day), Date),
            **{
                span: cast(month - func.make_interval(0, (since - first + 12) % 12), Date)
                for span, first in SHIFTED_YEARS.items()
            },
        }
    since = cast(func.strftime("%m", day), Integer)
    back = {
        span: func.printf("-%d months", (since - first + 12) % 12)
        for span, first in SHIFTED_YEARS.items()
    }
    return {
        DAY: day,
        MONTH: func.date(day, "start of month"),
        YEAR: func.date(day, "start of year"),
        **{span: func.date(day, "start of month", months) for span, months in back.items()},
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
