"""A period cut into signed spans of whole years, whole months and days, for summing per
customer (analytics/customer_spans.py): a span mostly inside the period is taken whole minus
its days or months outside it, whichever cut reads the fewest rows; or one whole year starting
in April, July or October, plus and minus the days around it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

DAY, MONTH, YEAR = "d", "m", "y"
# Years starting on April, July and October 1, kept as spans too: whatever day a year-long
# period starts, it is one whole such year (or a calendar one) and at most about six weeks of
# days or months at each end (analytics/customer_spans._picked).
SHIFTED_YEARS = {"a": 4, "j": 7, "o": 10}
# About how many rows a span holds, a day's as 1: how a period is cut (fewest rows read).
_COST = {DAY: 1, MONTH: 20, YEAR: 60, **dict.fromkeys(SHIFTED_YEARS, 60)}


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


def cost_of(pieces: Iterable[Piece]) -> int:
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
            found += min(inside, outside, key=cost_of)
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
        found += min(inside, outside, key=cost_of)
    return found


def whole_spans(parts: list[Piece]) -> list[Piece]:
    """`parts` with each added run of days inside one month as that month minus its other
    days: every added piece is then whole spans, each readable by revenue from the index."""
    out: list[Piece] = []
    for p in parts:
        first = p.first.replace(day=1)
        if p.sign < 0 or p.span != DAY or p.last > _month_end(first):
            out.append(p)
            continue
        out.append(Piece(MONTH, first, first, 1))
        if p.first > first:
            out.append(Piece(DAY, first, p.first - timedelta(days=1), -1))
        if p.last < _month_end(first):
            out.append(Piece(DAY, p.last + timedelta(days=1), _month_end(first), -1))
    return out


def added_one_by_one(parts: list[Piece]) -> list[Piece]:
    """The added spans, one by one."""
    found: list[Piece] = []
    for p in (p for p in parts if p.sign > 0):
        assert p.span != DAY, "added days are covered by their month"
        first = p.first
        while first <= p.last:
            found.append(Piece(p.span, first, first, 1))
            first = (
                date(first.year + 1, 1, 1)
                if p.span == YEAR
                else _month_end(first) + timedelta(days=1)
            )
    return found


def shifted_start(day: date, month: int) -> date:
    """The first day of the year starting on the first of `month` that holds `day`."""
    return date(day.year if day.month >= month else day.year - 1, month, 1)


def around_shifted_year(start: date, end: date) -> list[Piece]:
    """`start`..`end` as one whole shifted year plus and minus the days around it: the cut
    reading the fewest rows ([] when no shifted year meets the period)."""
    found: list[list[Piece]] = []
    for span, month in SHIFTED_YEARS.items():
        near = shifted_start(start, month)
        for first in (near, date(near.year + 1, month, 1)):
            last = date(first.year + 1, month, 1) - timedelta(days=1)
            if first > end or last < start:
                continue
            parts = [Piece(span, first, first, 1)]
            if start < first:
                parts += pieces(start, first - timedelta(days=1))
            elif start > first:
                parts += _flip(pieces(first, start - timedelta(days=1)))
            if end > last:
                parts += pieces(last + timedelta(days=1), end)
            elif end < last:
                parts += _flip(pieces(end + timedelta(days=1), last))
            found.append(parts)
    return min(found, key=cost_of, default=[])
