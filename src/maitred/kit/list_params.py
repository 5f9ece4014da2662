"""Seed 004's list conventions, declared once: `sort_by` / `sort_order`, `created_from` /
`created_to`, `search` and `status`.

A list route says what it offers and takes a `ListQuery`:

    Listing = Annotated[ListQuery, list_query(sorts=("created_at", "name"),
                        search="Part of the name", statuses=("new", "contacted"))]

    async def list_leads(auth: Reader, db: DbSession, pagination: Pagination, listing: Listing)

Its repository maps the sort names to real columns (`Repository.sorts`, used by
`Repository.listing_page`) and bounds the creation time (`created_within`), so SQL stays there.
`sort` and `order` (../shared/API.md) are accepted as aliases of `sort_by` and `sort_order`.
Dates in `created_from` / `created_to` are whole days in the organization's time zone (the
service resolves them with `ListQuery.created_window(zone)`); ISO datetimes are instants (one
without an offset is the organization's local time).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import Select, SQLColumnExpression

from maitred.kit.clock import EARLIEST_DATE, LATEST_DATE
from maitred.kit.errors import ValidationFailed
from maitred.kit.pagination import Sort

ORDERS = ("asc", "desc")
CREATED_HELP = "Created on or after this date (the organization's time zone) or ISO 8601 datetime"
CREATED_TO_HELP = (
    "Created on or before this date (the whole day, the organization's time zone) or ISO 8601"
    " datetime"
)
_EPSILON = timedelta(microseconds=1)


@dataclass(frozen=True)
class CreatedWindow:
    """[since, before): UTC instants; None where the list is not bounded."""

    since: datetime | None = None
    before: datetime | None = None


ANY_TIME = CreatedWindow()


@dataclass(frozen=True)
class ListQuery:
    sort_by: str
    descending: bool
    created_from: date | datetime | None = None
    created_to: date | datetime | None = None
    search: str | None = None
    statuses: tuple[str, ...] = ()
    sort_given: bool = False  # False: the list's own default order, which may be richer

    @property
    def status(self) -> str | None:
        """The one status asked for, for lists that filter on one (None: any)."""
        return self.statuses[0] if len(self.statuses) == 1 else None

    @property
    def sort_order(self) -> str:
        return "desc" if self.descending else "asc"

    @property
    def needs_zone(self) -> bool:
        """Whether a bound is a local date or time, read in the organization's time zone."""
        return any(
            bound is not None and (not isinstance(bound, datetime) or bound.tzinfo is None)
            for bound in (self.created_from, self.created_to)
        )

    def sort(self, columns: Mapping[str, SQLColumnExpression[Any]]) -> Sort:
        """The column of `sort_by` among the repository's whitelisted `columns`."""
        return Sort(column=columns[self.sort_by], descending=self.descending)

    def cursor_bounds(self, window: CreatedWindow) -> dict[str, Any]:
        """`paginate_by_cursor`'s keywords for this listing (cursor lists sort by creation)."""
        return {"descending": self.descending, "since": window.since, "before": window.before}

    def created_window(self, zone: tzinfo = UTC) -> CreatedWindow:
        return CreatedWindow(
            since=_instant(self.created_from, zone, end=False),
            before=_instant(self.created_to, zone, end=True),
        )


NEWEST_FIRST = ListQuery(sort_by="created_at", descending=True)
# Cursor lists (messages, audit log, deliveries) are keyed on creation: that is their only order.
CURSOR_SORTS = ("created_at",)


def _instant(bound: date | datetime | None, zone: tzinfo, *, end: bool) -> datetime | None:
    if bound is None:
        return None
    if isinstance(bound, datetime):
        moment = bound if bound.tzinfo else bound.replace(tzinfo=zone)
        return (moment + _EPSILON if end else moment).astimezone(UTC)
    day = bound + timedelta(days=1) if end else bound
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def created_within(
    statement: Select[Any], column: SQLColumnExpression[Any], window: CreatedWindow
) -> Select[Any]:
    """`statement` keeping the rows whose `column` falls in `window`."""
    if window.since is not None:
        statement = statement.where(column >= window.since)
    if window.before is not None:
        statement = statement.where(column < window.before)
    return statement


def parse_bound(name: str, text: str | None) -> date | datetime | None:
    """A date (`2025-10-25`) or an ISO 8601 datetime (`2025-10-25T10:30:00Z`)."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    try:
        parsed: date | datetime = (
            date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        )
    except ValueError:
        parsed = None  # type: ignore[assignment]
    day = parsed.date() if isinstance(parsed, datetime) else parsed
    if parsed is None or not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationFailed(
            details={name: "Use a date (2025-10-25) or an ISO 8601 datetime (2025-10-25T10:30:00Z)"}
        )
    return parsed


def parse_statuses(text: str | None, allowed: Sequence[str]) -> tuple[str, ...]:
    """`confirmed` or `pending,confirmed`, case-insensitive; each one of `allowed`."""
    if text is None:
        return ()
    wanted = tuple(dict.fromkeys(p.strip().lower() for p in text.split(",") if p.strip()))
    if unknown := [s for s in wanted if s not in allowed]:
        raise ValidationFailed(
            details={"status": f"Unknown status {unknown[0]!r}; use one of {', '.join(allowed)}"}
        )
    return wanted


def list_query(
    *,
    sorts: Sequence[str],
    default_sort: str = "created_at",
    default_order: str = "desc",
    search: str | None = None,
    statuses: Sequence[str] | None = None,
    created: bool = True,
    ascending_by_default: Sequence[str] = (),
) -> Any:
    """The dependency (`Annotated[ListQuery, list_query(...)]`) declaring this list's query
    parameters: `sort_by` among `sorts`; `search` when described; `status` when the list has
    `statuses`; `created_from` / `created_to` unless `created` is False. A field of
    `ascending_by_default` (a name: A to Z) sorts ascending unless told otherwise."""
    if default_sort not in sorts:
        raise ValueError(f"default sort {default_sort!r} is not among {sorts!r}")
    choices = ", ".join(sorted(sorts))
    sort_help = f"One of: {choices}; default {default_sort}"
    parameters = [
        _param("sort_by", Query(max_length=64, description=sort_help)),
        _param(
            "sort_order", Query(max_length=8, description=f"asc or desc; default {default_order}")
        ),
        _param("sort", Query(max_length=64, include_in_schema=False)),
        _param("order", Query(max_length=8, include_in_schema=False)),
    ]
    if created:
        parameters += [
            _param("created_from", Query(max_length=40, description=CREATED_HELP)),
            _param("created_to", Query(max_length=40, description=CREATED_TO_HELP)),
        ]
    if search is not None:
        parameters.append(_param("search", Query(max_length=200, description=search)))
    if statuses is not None:
        described = f"One of {', '.join(statuses)}, or several comma-separated"
        parameters.append(_param("status", Query(max_length=200, description=described)))

    async def listing(**given: str | None) -> ListQuery:
        sort_key = "sort_by" if given.get("sort_by") else "sort"  # errors name what was sent
        chosen = given.get(sort_key)
        field = chosen or default_sort
        if field not in sorts:
            raise ValidationFailed(
                details={sort_key: f"Cannot sort by {field!r}; use one of {choices}"}
            )
        order_key = "sort_order" if given.get("sort_order") else "order"
        fallback = "asc" if field in ascending_by_default else default_order
        direction = (given.get(order_key) or fallback).lower()
        if direction not in ORDERS:
            raise ValidationFailed(details={order_key: "Use 'asc' or 'desc'"})
        text = (given.get("search") or "").strip()
        found = ListQuery(
            sort_by=field,
            descending=direction == "desc",
            created_from=parse_bound("created_from", given.get("created_from")),
            created_to=parse_bound("created_to", given.get("created_to")),
            search=text or None,
            statuses=parse_statuses(given.get("status"), statuses or ()),
            sort_given=chosen is not None,
        )
        window = found.created_window()  # compared in UTC; a range empty only locally finds nothing
        if window.since and window.before and window.since >= window.before:
            raise ValidationFailed(details={"created_to": "Must not be before created_from"})
        return found

    listing.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return Depends(listing)


def _param(name: str, query: Any) -> inspect.Parameter:
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[str | None, query],
    )
