"""GET /bookings (a hot path, ARCHITECTURE.md): filters, sort and page through the compiled
queries of bookings/list_queries.py, two statements (the count; the page with its customers),
rows built into summaries without ORM objects."""

from __future__ import annotations

import uuid
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import list_queries
from maitred.bookings.repository import BookingFilters
from maitred.bookings.service.access import Viewer, own_customer
from maitred.bookings.service.read import local_now, summary, with_events
from maitred.bookings.service.status import STATUSES
from maitred.customers import service as customers_service
from maitred.kit.errors import ValidationFailed
from maitred.kit.list_params import ANY_TIME, ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo, page_info, parse_sort
from maitred.kit.reads import ReadPool
from maitred.tenancy import service as tenancy_service

SORTS = list_queries.SORTS
KINDS = ("catering", "seat")


def parse_statuses(status: str | None) -> tuple[str, ...]:
    """`confirmed`, `CONFIRMED` or `pending,confirmed`."""
    if not status:
        return ()
    wanted = tuple(dict.fromkeys(s.strip().lower() for s in status.split(",") if s.strip()))
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown:
        raise ValidationFailed(
            details={"status": f"Unknown status {unknown[0]!r}; use {', '.join(STATUSES)}"}
        )
    return wanted


async def list_bookings(
    session: AsyncSession,
    reads: ReadPool,
    viewer: Viewer,
    params: PageParams,
    *,
    status: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    customer_id: uuid.UUID | None = None,
    event_type: str | None = None,
    search: str | None = None,
    sort: str | None = None,
    order: str | None = None,
    event_id: uuid.UUID | None = None,
    kind: str | None = None,
    upcoming: bool = False,
    listing: ListQuery | None = None,
) -> tuple[list[dict[str, Any]], PaginationInfo]:
    """One page through the compiled queries of bookings/list_queries.py (committed data);
    `upcoming` (seed 002) keeps the bookings from today on, in the organization's time zone."""
    if kind is not None and kind not in KINDS:
        raise ValidationFailed(details={"kind": f"Use one of: {', '.join(KINDS)}"})
    if upcoming:
        today = (await local_now(session, viewer.organization_id)).date()
        date_from = max(date_from, today) if date_from else today
    if listing is not None:  # seed 004's sort_by / sort_order (`sort` / `order` as aliases)
        sort, order = listing.sort_by, listing.sort_order
    ordering = parse_sort(sort, order, SORTS, default="event_date", default_order="desc")
    window = (
        await tenancy_service.created_window(session, viewer.organization_id, listing)
        if listing is not None
        else ANY_TIME
    )
    if viewer.is_customer:
        own = await own_customer(session, viewer)
        if own is None or (customer_id is not None and customer_id != own.id):
            return [], page_info(params, 0)
        customer_id = own.id
    filters = BookingFilters(
        statuses=parse_statuses(status),
        date_from=date_from,
        date_to=date_to,
        customer_id=customer_id,
        event_type=event_type.strip().lower() if event_type else None,
        search=search.strip() if search and search.strip() else None,
        event_id=event_id,
        kind=kind,
        created_since=window.since,
        created_before=window.before,
    )
    sort_name = sort or "event_date"
    shape, values = list_queries.shape_and_values(
        viewer.organization_id, filters, sort_name, ordering.descending
    )
    if reads.dialect.name == "postgresql":
        rows = await reads.all(
            list_queries.counted_page_query(shape),
            limit=params.limit,
            offset=params.offset,
            **values,
        )
        total = int(rows[0]["total"]) if rows else 0
        for row in rows:
            del row["total"]
        rows = [row for row in rows if row["id"] is not None]  # the empty page's one row
        items = await _summaries(session, viewer.organization_id, rows)
        return items, page_info(params, total)
    counted = await reads.one(list_queries.count_query(shape), **values)
    total = int(counted["total"]) if counted else 0
    items = await page_items(session, reads, viewer.organization_id, shape, values, params, total)
    return items, page_info(params, total)


async def page_items(
    session: AsyncSession,
    reads: ReadPool,
    organization_id: uuid.UUID,
    shape: list_queries.Shape,
    values: dict[str, Any],
    params: PageParams,
    total: int,
) -> list[dict[str, Any]]:
    """The page's bookings as summaries with their events (none past the last of `total`):
    the API's list and the staff pages' one."""
    if total <= params.offset:
        return []
    rows = await reads.all(
        list_queries.page_query(shape), limit=params.limit, offset=params.offset, **values
    )
    return await _summaries(session, organization_id, rows)


async def _summaries(
    session: AsyncSession, organization_id: uuid.UUID, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    items = [summary(SimpleNamespace(**row), brief_of_row(row)) for row in rows]
    await with_events(session, organization_id, items, [row["event_id"] for row in rows])
    return items


def brief_of_row(row: dict[str, Any]) -> customers_service.CustomerBrief | None:
    """The customer joined to a row (none when the customer row is gone)."""
    if row["customer_name"] is None:
        return None
    return customers_service.CustomerBrief(
        row["customer_id"], row["customer_name"], row["customer_email"], row["customer_phone"]
    )
