"""Every query of bookings, scoped to one organization by construction (the list's compiled
queries are in bookings/list_queries.py); nothing here issues a query per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import (
    BigInteger,
    Column,
    CursorResult,
    Select,
    String,
    Table,
    Uuid,
    bindparam,
    case,
    delete,
    func,
    insert,
    select,
    table,
    type_coerce,
    update,
)

from maitred.bookings.models import Booking, BookingLine, BookingStatusChange
from maitred.kit.repository import Repository
from maitred.kit.writes import WriteStatement

# The customers' name, for "search by customer name" in one statement. Only the columns of the
# table are named here, never the customers domain's model (bookings uses customers' service).
_customers = table(
    "customers",
    Column("id", Uuid),
    Column("organization_id", Uuid),
    Column("name", String),
)


def customers_named(organization_id: Any, pattern: Any) -> Select[tuple[uuid.UUID]]:
    """The ids of the organization's customers whose lower-cased name is LIKE `pattern`."""
    return select(_customers.c.id).where(
        _customers.c.organization_id == organization_id,
        func.lower(_customers.c.name).like(pattern, escape="\\"),
    )


@dataclass(frozen=True)
class OutstandingRow:
    bookings: int
    balances_minor: int
    deposits_minor: int


@dataclass(frozen=True)
class BookingFilters:
    statuses: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    customer_id: uuid.UUID | None = None
    event_type: str | None = None
    search: str | None = None
    event_id: uuid.UUID | None = None
    kind: str | None = None
    created_since: datetime | None = None  # seed 004's created_from / created_to, as instants
    created_before: datetime | None = None


@dataclass(frozen=True)
class StatsRow:
    customer_id: uuid.UUID
    total_bookings: int
    spent_minor: int
    upcoming_bookings: int
    last_booking_date: date | None


# A new booking's rows, written with Core (ARCHITECTURE.md, Hot paths): nothing reads them back
# through the session, so the ORM's identity map and unit of work would only cost time.
_INSERT_BOOKING = WriteStatement(insert(cast(Table, Booking.__table__)))
_INSERT_LINES = insert(cast(Table, BookingLine.__table__))
_INSERT_STATUS_CHANGE = WriteStatement(insert(cast(Table, BookingStatusChange.__table__)))
# PostgreSQL writes a booking and its first status change in one statement (the booking's INSERT
# as a CTE); SQLite has no INSERT in a CTE. Built per set of columns given, once.
_WITH_HISTORY: dict[tuple[frozenset[str], frozenset[str]], Any] = {}


def _booking_with_history(booking_keys: frozenset[str], change_keys: frozenset[str]) -> Any:
    statement = _WITH_HISTORY.get((booking_keys, change_keys))
    if statement is None:
        bookings = cast(Table, Booking.__table__)
        changes = cast(Table, BookingStatusChange.__table__)
        new_booking = (
            insert(bookings)
            .values(
                {
                    c.name: bindparam(f"b_{c.name}", type_=c.type)
                    for c in bookings.columns
                    if c.name in booking_keys
                }
            )
            .cte("new_booking")
        )
        statement = (
            insert(changes)
            .values(
                {
                    c.name: bindparam(f"h_{c.name}", type_=c.type)
                    for c in changes.columns
                    if c.name in change_keys
                }
            )
            .add_cte(new_booking)
        )
        _WITH_HISTORY[(booking_keys, change_keys)] = statement
    return statement


class BookingRepository(Repository[Booking]):
    model = Booking
    not_found_message = "No such booking"

    async def insert_new(
        self,
        booking: dict[str, Any],
        lines: Sequence[dict[str, Any]],
        change: dict[str, Any],
    ) -> None:
        """The booking, its menu lines (one statement for all) and its first status change."""
        scope = {"organization_id": self.organization_id}
        if not lines and self.session.get_bind().dialect.name == "postgresql":
            row, first = scope | booking, scope | change
            await self.session.execute(
                _booking_with_history(frozenset(row), frozenset(first)),
                {f"b_{k}": v for k, v in row.items()} | {f"h_{k}": v for k, v in first.items()},
            )
            return
        await _INSERT_BOOKING.run(self.session, scope | booking)
        if lines:
            await self.session.execute(_INSERT_LINES, [scope | line for line in lines])
        await _INSERT_STATUS_CHANGE.run(self.session, scope | change)

    async def lines_of(self, booking_id: uuid.UUID) -> Sequence[BookingLine]:
        statement = (
            select(BookingLine)
            .where(
                BookingLine.organization_id == self.organization_id,
                BookingLine.booking_id == booking_id,
            )
            .order_by(BookingLine.position)
        )
        return (await self.session.scalars(statement)).all()

    async def history_of(self, booking_id: uuid.UUID) -> Sequence[BookingStatusChange]:
        statement = (
            select(BookingStatusChange)
            .where(
                BookingStatusChange.organization_id == self.organization_id,
                BookingStatusChange.booking_id == booking_id,
            )
            .order_by(BookingStatusChange.created_at, BookingStatusChange.id)
        )
        return (await self.session.scalars(statement)).all()

    async def replace_lines(self, booking_id: uuid.UUID, lines: Sequence[BookingLine]) -> None:
        await self.session.execute(
            delete(BookingLine).where(
                BookingLine.organization_id == self.organization_id,
                BookingLine.booking_id == booking_id,
            )
        )
        self.add_all(lines)

    async def active_seat_of(self, customer_id: uuid.UUID, event_id: uuid.UUID) -> uuid.UUID | None:
        """The customer's pending or confirmed booking for the event, if any."""
        return await self.session.scalar(
            select(Booking.id).where(
                Booking.organization_id == self.organization_id,
                Booking.event_id == event_id,
                Booking.customer_id == customer_id,
                Booking.status.in_(("pending", "confirmed")),
            )
        )

    async def active_seats_of_event(self, event_id: uuid.UUID) -> Sequence[Booking]:
        statement = select(Booking).where(
            Booking.organization_id == self.organization_id,
            Booking.event_id == event_id,
            Booking.status.in_(("pending", "confirmed")),
        )
        return (await self.session.scalars(statement)).all()

    def add_all(self, rows: Sequence[BookingLine | BookingStatusChange]) -> None:
        for row in rows:
            row.organization_id = self.organization_id
            self.session.add(row)

    async def swap_status(
        self, booking_id: uuid.UUID, *, old: str, new: str, values: dict[str, Any]
    ) -> bool:
        """Compare-and-swap: only one of two racing changes of the same status wins."""
        result = await self.session.execute(
            update(Booking)
            .where(
                Booking.organization_id == self.organization_id,
                Booking.id == booking_id,
                Booking.status == old,
            )
            .values(status=new, **values)
            .execution_options(synchronize_session="fetch")
        )
        return cast(CursorResult[Any], result).rowcount == 1

    async def id_by_reference(self, reference_number: str) -> uuid.UUID | None:
        found: uuid.UUID | None = await self.session.scalar(
            select(Booking.id).where(
                Booking.organization_id == self.organization_id,
                Booking.reference_number == reference_number,
            )
        )
        return found

    async def of_customer_from(
        self, customer_id: uuid.UUID, first_day: date, limit: int
    ) -> Sequence[Booking]:
        """A customer's bookings from `first_day` on, soonest first (the assistant's lookup)."""
        rows = await self.session.scalars(
            select(Booking)
            .where(
                Booking.organization_id == self.organization_id,
                Booking.customer_id == customer_id,
                Booking.event_date >= first_day,
            )
            .order_by(Booking.event_date, Booking.id)
            .limit(limit)
        )
        return rows.all()

    async def locked(self, booking_id: uuid.UUID) -> Booking | None:
        """The booking, re-read under a row lock (PostgreSQL; SQLite's write transactions run
        one at a time): money changes of one booking queue here instead of racing."""
        found: Booking | None = await self.session.scalar(
            self.scoped()
            .where(Booking.id == booking_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return found

    async def outstanding(self, date_from: date | None, date_to: date | None) -> OutstandingRow:
        """What active bookings of these event dates still owe: balances and unpaid deposits."""
        net = Booking.amount_paid - Booking.amount_refunded
        owed = Booking.total_amount - net
        deposit_owed = Booking.deposit_amount - net
        statement = select(
            func.coalesce(func.sum(case((owed > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(case((owed > 0, type_coerce(owed, BigInteger)), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case(
                        (
                            (Booking.status == "pending") & (deposit_owed > 0),
                            type_coerce(deposit_owed, BigInteger),
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
        ).where(
            Booking.organization_id == self.organization_id,
            Booking.status.in_(("pending", "confirmed")),
        )
        if date_from is not None:
            statement = statement.where(Booking.event_date >= date_from)
        if date_to is not None:
            statement = statement.where(Booking.event_date <= date_to)
        count, balances, deposits = (await self.session.execute(statement)).one()
        return OutstandingRow(int(count), int(balances), int(deposits))

    async def stats(self, customer_ids: Collection[uuid.UUID], today: date) -> list[StatsRow]:
        """Booking figures of many customers in one grouped query."""
        if not customer_ids:
            return []
        kept = Booking.status != "cancelled"
        minor = type_coerce(Booking.total_amount, BigInteger)
        statement = (
            select(
                Booking.customer_id,
                func.sum(case((kept, 1), else_=0)),
                func.sum(case((Booking.status == "completed", minor), else_=0)),
                func.sum(
                    case(
                        (
                            Booking.status.in_(("pending", "confirmed"))
                            & (Booking.event_date >= today),
                            1,
                        ),
                        else_=0,
                    )
                ),
                func.max(case((kept & (Booking.event_date <= today), Booking.event_date))),
            )
            .where(
                Booking.organization_id == self.organization_id,
                Booking.customer_id.in_(list(customer_ids)),
            )
            .group_by(Booking.customer_id)
        )
        rows = (await self.session.execute(statement)).all()
        return [
            StatsRow(
                customer_id=row[0],
                total_bookings=int(row[1] or 0),
                spent_minor=int(row[2] or 0),
                upcoming_bookings=int(row[3] or 0),
                last_booking_date=_as_date(row[4]),
            )
            for row in rows
        ]


def _as_date(value: object) -> date | None:
    """SQLite hands back MAX() over a CASE of dates as text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


async def organization_of(session: Any, booking_id: uuid.UUID) -> uuid.UUID | None:
    """Whose booking this is, for callers that only have its id (a provider's webhook)."""
    found: uuid.UUID | None = await session.scalar(
        select(Booking.organization_id).where(Booking.id == booking_id)
    )
    return found
