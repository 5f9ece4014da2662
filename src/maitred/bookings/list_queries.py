"""The booking list's queries, compiled once per shape of filters (kit/reads.py).

`GET /bookings` is the book's busiest read: two statements, the count and the page with each
row's customer joined (as the detail reads it, bookings/detail_queries.py), on the indexes
(organization, status, event_date) and (organization, event_date). A shape is which filters are
present and how many statuses: at most a few dozen exist, and each is compiled on first use.
"""

from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    String,
    Uuid,
    bindparam,
    func,
    select,
    true,
)

from maitred.bookings.models import Booking
from maitred.bookings.repository import BookingFilters, customers_named
from maitred.customers import service as customers_service
from maitred.kit.db import UTCDateTime
from maitred.kit.reads import ReadQuery
from maitred.kit.repository import escape_like

REFERENCE = re.compile(r"^[A-Za-z]{2,4}-\d{4}-\d+$")
SORTS = {
    "event_date": Booking.event_date,
    "created_at": Booking.created_at,
    "total_amount": Booking.total_amount,
}
SUMMARY_COLUMNS = (
    Booking.id,
    Booking.reference_number,
    Booking.kind,
    Booking.event_id,
    Booking.customer_id,
    Booking.event_date,
    Booking.event_time,
    Booking.guest_count,
    Booking.event_type,
    Booking.location,
    Booking.status,
    Booking.currency,
    Booking.total_amount,
    Booking.deposit_amount,
    Booking.amount_paid,
    Booking.amount_refunded,
    Booking.created_at,
    Booking.updated_at,
)


_customers, _customer_of_booking, _customer_columns = customers_service.joined_brief(
    Booking.customer_id, Booking.organization_id
)
_WITH_CUSTOMER = Booking.__table__.outerjoin(_customers, _customer_of_booking)


@dataclass(frozen=True)
class Shape:
    statuses: int
    date_from: bool
    date_to: bool
    customer: bool
    event_type: bool
    event_id: bool
    kind: bool
    search: str | None  # "reference", "name" or None
    created_since: bool
    created_before: bool
    sort: str
    descending: bool


def shape_and_values(
    organization_id: uuid.UUID, filters: BookingFilters, sort: str, descending: bool
) -> tuple[Shape, dict[str, Any]]:
    """The query shape of `filters` and the values of its parameters."""
    search = filters.search.strip() if filters.search else None
    search_kind = None if not search else "reference" if REFERENCE.match(search) else "name"
    values: dict[str, Any] = {"organization_id": organization_id}
    values.update({f"status_{i}": s for i, s in enumerate(filters.statuses)})
    optional = {
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "customer_id": filters.customer_id,
        "event_type": filters.event_type,
        "event_id": filters.event_id,
        "kind": filters.kind,
        "created_since": filters.created_since,
        "created_before": filters.created_before,
    }
    values.update({k: v for k, v in optional.items() if v is not None})
    if search_kind == "reference":
        values["reference"] = search.upper() if search else None
    elif search_kind == "name" and search:
        values["pattern"] = f"%{escape_like(search.lower())}%"
    shape = Shape(
        statuses=len(filters.statuses),
        date_from=filters.date_from is not None,
        date_to=filters.date_to is not None,
        customer=filters.customer_id is not None,
        event_type=filters.event_type is not None,
        event_id=filters.event_id is not None,
        kind=filters.kind is not None,
        search=search_kind,
        created_since=filters.created_since is not None,
        created_before=filters.created_before is not None,
        sort=sort,
        descending=descending,
    )
    return shape, values


def _conditions(shape: Shape) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [
        Booking.organization_id == bindparam("organization_id", type_=Uuid())
    ]
    if shape.statuses:
        statuses = [bindparam(f"status_{i}", type_=String()) for i in range(shape.statuses)]
        where.append(Booking.status.in_(statuses))
    if shape.date_from:
        where.append(Booking.event_date >= bindparam("date_from", type_=Date()))
    if shape.date_to:
        where.append(Booking.event_date <= bindparam("date_to", type_=Date()))
    if shape.customer:
        where.append(Booking.customer_id == bindparam("customer_id", type_=Uuid()))
    if shape.event_type:
        where.append(Booking.event_type == bindparam("event_type", type_=String()))
    if shape.event_id:
        where.append(Booking.event_id == bindparam("event_id", type_=Uuid()))
    if shape.kind:
        where.append(Booking.kind == bindparam("kind", type_=String()))
    if shape.created_since:
        where.append(Booking.created_at >= bindparam("created_since", type_=UTCDateTime()))
    if shape.created_before:
        where.append(Booking.created_at < bindparam("created_before", type_=UTCDateTime()))
    if shape.search == "reference":
        where.append(Booking.reference_number == bindparam("reference", type_=String()))
    elif shape.search == "name":
        named = customers_named(
            bindparam("organization_id", type_=Uuid()), bindparam("pattern", type_=String())
        )
        where.append(Booking.customer_id.in_(named))
    return where


def _page(shape: Shape, columns: tuple[Any, ...]) -> ReadQuery:
    column = SORTS[shape.sort]
    order = column.desc() if shape.descending else column.asc()
    tiebreak = Booking.id.desc() if shape.descending else Booking.id.asc()
    return ReadQuery(
        select(*columns)
        .select_from(_WITH_CUSTOMER)
        .where(*_conditions(shape))
        .order_by(order, tiebreak)
        .limit(bindparam("limit", type_=Integer()))
        .offset(bindparam("offset", type_=Integer()))
    )


@functools.cache
def page_query(shape: Shape) -> ReadQuery:
    return _page(shape, (*SUMMARY_COLUMNS, *_customer_columns))


TABLE_COLUMNS = (
    Booking.id,
    Booking.reference_number,
    Booking.event_date,
    Booking.event_time,
    Booking.guest_count,
    Booking.status,
    Booking.currency,
    Booking.total_amount,
)


@functools.cache
def table_page_query(shape: Shape) -> ReadQuery:
    """The page in the same order as `page_query`, with only what the staff pages' table shows:
    the customer's name is the one contact decrypted, and no event is looked up."""
    return _page(shape, (*TABLE_COLUMNS, _customer_columns[0]))


@functools.cache
def count_query(shape: Shape) -> ReadQuery:
    return ReadQuery(select(func.count().label("total")).where(*_conditions(shape)))


@functools.cache
def counted_page_query(shape: Shape) -> ReadQuery:
    """The count and the page in one statement, for PostgreSQL: one row a booking of the page,
    each with `total`, or a single row of NULLs but `total` when the page is empty. Why: on
    PostgreSQL each statement is a round trip through asyncpg (~14 % of the list's CPU under
    load); SQLite reads inline on the loop, where two statements cost no more than one."""
    page = _page(shape, (*SUMMARY_COLUMNS, *_customer_columns)).statement.subquery("page")
    counted = select(func.count().label("total")).where(*_conditions(shape)).subquery("counted")
    key = page.c[SORTS[shape.sort].key]
    order = (key.desc(), page.c.id.desc()) if shape.descending else (key.asc(), page.c.id.asc())
    return ReadQuery(
        select(counted.c.total, *page.c)
        .select_from(counted.outerjoin(page, true()))
        .order_by(*order)
    )
