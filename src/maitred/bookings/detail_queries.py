"""GET /bookings/{id}'s compiled reads (a hot path, ARCHITECTURE.md): the booking with its
customer in one row, by id or by reference number, then its menu lines and status history in
one `UNION ALL`. Rows go to the response without ORM objects (bookings/service/detail.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Integer,
    String,
    Text,
    Uuid,
    bindparam,
    literal_column,
    null,
    select,
    type_coerce,
)
from sqlalchemy.sql.elements import ColumnElement

from maitred.bookings.models import Booking, BookingLine, BookingStatusChange
from maitred.customers import service as customers_service
from maitred.kit.db import UTCDateTime
from maitred.kit.money import MoneyColumn
from maitred.kit.reads import ReadQuery

_customers, _customer_of_booking, _customer_columns = customers_service.joined_brief(
    Booking.customer_id, Booking.organization_id
)
_BOOKING = select(Booking.__table__, *_customer_columns).select_from(
    Booking.__table__.outerjoin(_customers, _customer_of_booking)
)
_IN_ORGANIZATION = Booking.organization_id == bindparam("organization_id", type_=Uuid())

BOOKING_BY_ID = ReadQuery(
    _BOOKING.where(_IN_ORGANIZATION, Booking.id == bindparam("id", type_=Uuid()))
)
BOOKING_BY_REFERENCE = ReadQuery(
    _BOOKING.where(_IN_ORGANIZATION, Booking.reference_number == bindparam("reference"))
)


def _none(type_: object) -> ColumnElement[object]:
    return type_coerce(null(), type_)  # type: ignore[arg-type]


# `part` tells the rows apart: "line" (ordered by `position`) or "change" (by `at`, then `id`).
def _lines_and_history(
    lines_of: ColumnElement[bool], history_of: ColumnElement[bool], *, booking: bool = False
) -> CompoundSelect[*tuple[Any, ...]]:
    """The union of a booking's lines and changes; with `booking` (the many-booking read's),
    a last column `booking_id` tells whose row it is."""
    lines_booking = [BookingLine.booking_id.label("booking_id")] if booking else []
    history_booking = [BookingStatusChange.booking_id] if booking else []
    return (
        select(
            literal_column("'line'", String).label("part"),
            BookingLine.id,
            BookingLine.position,
            _none(UTCDateTime()).label("at"),
            BookingLine.menu_item_id.label("menu_item_id"),
            BookingLine.name,
            BookingLine.quantity,
            BookingLine.unit_price,
            BookingLine.amount,
            BookingLine.pricing_unit,
            _none(String()).label("from_status"),
            _none(String()).label("to_status"),
            _none(Text()).label("reason"),
            _none(Uuid()).label("changed_by"),
            *lines_booking,
        )
        .where(BookingLine.organization_id == bindparam("lines_of", type_=Uuid()), lines_of)
        .union_all(
            select(
                literal_column("'change'", String),
                BookingStatusChange.id,
                _none(Integer()),
                BookingStatusChange.created_at,
                _none(Uuid()),
                _none(String()),
                _none(Integer()),
                _none(MoneyColumn()),
                _none(MoneyColumn()),
                _none(String()),
                BookingStatusChange.from_status,
                BookingStatusChange.to_status,
                BookingStatusChange.reason,
                BookingStatusChange.changed_by,
                *history_booking,
            ).where(
                BookingStatusChange.organization_id == bindparam("history_of", type_=Uuid()),
                history_of,
            )
        )
    )


LINES_AND_HISTORY = ReadQuery(
    _lines_and_history(
        BookingLine.booking_id == bindparam("lines_booking", type_=Uuid()),
        BookingStatusChange.booking_id == bindparam("history_booking", type_=Uuid()),
    )
)

# The same for several bookings of one organization at once (an outbox handler's batch: a
# booking's notices), each booking's customer's language along: plain statements for the
# session (ReadQuery takes no IN list).
BOOKINGS_BY_IDS = _BOOKING.add_columns(
    _customers.c.preferred_language.label("customer_language")
).where(_IN_ORGANIZATION, Booking.id.in_(bindparam("ids", expanding=True)))
LINES_AND_HISTORY_OF_BOOKINGS = _lines_and_history(
    BookingLine.booking_id.in_(bindparam("lines_bookings", expanding=True)),
    BookingStatusChange.booking_id.in_(bindparam("history_bookings", expanding=True)),
    booking=True,
)
