"""The booking rollups moved by deltas. Each booking's last counted figures are kept
(analytics/models.CountedBooking); when the booking may have changed, the worker reads its row
now, subtracts what it counted for, adds what it counts for now (upserts of the few rollup rows
concerned: its day, status and type; its time, city, lead time and customer tallies), and keeps
the new figures. The difference is taken against what was counted, not against what an event
says, so a delivery repeated, late or out of order only reconciles the booking with its row
again: the rollups stay exact. The booking is locked for that (an advisory lock on PostgreSQL;
SQLite has one writer), and concurrent changes to one rollup row add up in the upsert."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, and_, bindparam, case, delete, select, text, type_coerce
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import customer_firsts
from maitred.analytics.day_tallies import CITY, CUSTOMER, LEAD, TIME
from maitred.analytics.models import BookingDayFigures, BookingDayTally, CountedBooking
from maitred.bookings.figures_repository import EARNED, RECOGNISED_MINOR
from maitred.bookings.models import Booking
from maitred.kit.clock import utcnow
from maitred.tenancy.snapshots import local_frame

EARNED_MINOR = case(
    (Booking.status.in_(EARNED), type_coerce(Booking.total_amount, BigInteger)), else_=0
)


@dataclass(frozen=True)
class Counted:
    """What one booking counts for in the rollups."""

    day: date
    status: str
    event_type: str
    guests: int
    recognised_minor: int
    earned_minor: int
    event_time: time
    city: str | None
    lead_days: int
    customer_id: uuid.UUID

    @property
    def going(self) -> bool:
        return self.status != "cancelled"


FIELDS = tuple(Counted.__dataclass_fields__)
UUID_PARTS = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))  # of its 32 hex digits

_NOW = select(
    Booking.event_date,
    Booking.status,
    Booking.event_type,
    Booking.guest_count,
    RECOGNISED_MINOR,
    EARNED_MINOR,
    Booking.event_time,
    Booking.city,
    Booking.created_at,
    Booking.customer_id,
).where(Booking.organization_id == bindparam("org"), Booking.id == bindparam("booking"))
_BEFORE = select(*(getattr(CountedBooking, f) for f in FIELDS)).where(
    CountedBooking.organization_id == bindparam("org"),
    CountedBooking.booking_id == bindparam("booking"),
)
_FORGET = delete(CountedBooking.__table__).where(
    CountedBooking.__table__.c.organization_id == bindparam("org"),
    CountedBooking.__table__.c.booking_id == bindparam("booking"),
)


def _upsert(insert: Any, model: Any, keys: tuple[str, ...], sums: tuple[str, ...]) -> Any:
    columns = ("organization_id", *keys, *sums)
    table = model.__table__
    statement = insert(table).values(
        id=bindparam("id"),
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
        **{c: bindparam(c) for c in columns},
    )
    return statement.on_conflict_do_update(
        index_elements=["organization_id", *keys],
        set_={
            **{c: table.c[c] + statement.excluded[c] for c in sums},
            "updated_at": statement.excluded.updated_at,
        },
    )


def _remember(insert: Any) -> Any:
    statement = insert(CountedBooking.__table__).values(
        id=bindparam("id"),
        organization_id=bindparam("org"),
        booking_id=bindparam("booking"),
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
        **{f: bindparam(f) for f in FIELDS},
    )
    return statement.on_conflict_do_update(
        index_elements=["booking_id"],
        set_={
            **{f: getattr(statement.excluded, f) for f in FIELDS},
            "updated_at": statement.excluded.updated_at,
        },
    )


FIGURE_KEYS = ("day", "status", "event_type")
FIGURE_SUMS = ("count", "guests", "recognised_minor", "earned_minor")
TALLY_KEYS = ("day", "kind", "key")
TALLY_SUMS = ("count", "amount_minor")

# Built once per dialect: a delivery runs them, building them anew would cost more.
_STATEMENTS = {
    name: {
        "figures": _upsert(insert, BookingDayFigures, FIGURE_KEYS, FIGURE_SUMS),
        "tallies": _upsert(insert, BookingDayTally, TALLY_KEYS, TALLY_SUMS),
        "remember": _remember(insert),
    }
    for name, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def _empty(model: Any, keys: tuple[str, ...]) -> Any:
    """Deletes a rollup row its last booking left (count 0), as if it had never been."""
    table = model.__table__
    return delete(table).where(
        table.c.organization_id == bindparam("organization_id"),
        and_(*(table.c[k] == bindparam(k) for k in keys)),
        table.c.count == 0,
    )


_EMPTY_FIGURES = _empty(BookingDayFigures, FIGURE_KEYS)
_EMPTY_TALLIES = _empty(BookingDayTally, TALLY_KEYS)


def _lock_key(organization_id: uuid.UUID, booking_id: uuid.UUID) -> int:
    digest = hashlib.blake2b(f"counted:{organization_id}:{booking_id}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


def _figures(counted: Counted, sign: int) -> dict[tuple[Any, ...], list[int]]:
    return {
        (counted.day, counted.status, counted.event_type): [
            sign,
            sign * counted.guests,
            sign * counted.recognised_minor,
            sign * counted.earned_minor,
        ]
    }


def _tallies(counted: Counted, sign: int) -> dict[tuple[Any, ...], list[int]]:
    if not counted.going:
        return {}
    day = counted.day
    found = {
        (day, TIME, counted.event_time.isoformat()): [sign, 0],
        (day, LEAD, str(counted.lead_days)): [sign, 0],
        (day, CUSTOMER, str(counted.customer_id)): [sign, sign * counted.recognised_minor],
    }
    if counted.city is not None:
        found[(day, CITY, counted.city)] = [sign, 0]
    return found


def _net(
    parts: list[dict[tuple[Any, ...], list[int]]],
) -> dict[tuple[Any, ...], list[int]]:
    net: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for part in parts:
        for key, sums in part.items():
            total = net[key]
            for i, value in enumerate(sums):
                total[i] += value
    return {key: sums for key, sums in net.items() if any(sums)}


async def _move(
    session: AsyncSession,
    organization_id: uuid.UUID,
    statements: dict[str, Any],
    before: Counted | None,
    now: Counted | None,
) -> None:
    stamp = utcnow()
    for name, of, keys, sums, empty in (
        ("figures", _figures, FIGURE_KEYS, FIGURE_SUMS, _EMPTY_FIGURES),
        ("tallies", _tallies, TALLY_KEYS, TALLY_SUMS, _EMPTY_TALLIES),
    ):
        parts = [of(before, -1)] if before else []
        parts += [of(now, 1)] if now else []
        net = _net(parts)
        if not net:
            continue
        rows = [
            {
                "id": uuid.uuid4(),
                "now": stamp,
                "organization_id": organization_id,
                **dict(zip(keys, key, strict=True)),
                **dict(zip(sums, values, strict=False)),
            }
            for key, values in sorted(net.items(), key=lambda item: str(item[0]))
        ]
        await session.execute(statements[name], rows)
        left = [
            {"organization_id": organization_id, **dict(zip(keys, key, strict=True))}
            for key, values in net.items()
            if values[0] < 0
        ]
        if left:
            await session.execute(empty, left)


async def _lead_zone(session: AsyncSession, organization_id: uuid.UUID) -> ZoneInfo | None:
    """The zone a request's day is taken in: the organization's on PostgreSQL, UTC on SQLite
    (as `BookingFigures.lead_days` does)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return ZoneInfo((await local_frame(session, organization_id)).zone)


async def reconcile(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID
) -> None:
    """The rollups moved from what the booking counted for to what it counts for now."""
    dialect = session.get_bind().dialect.name
    ids = {"org": organization_id, "booking": booking_id}
    if dialect == "postgresql":
        key = _lock_key(organization_id, booking_id)
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
    row = (await session.execute(_BEFORE, ids)).one_or_none()
    before = Counted(*row) if row is not None else None
    found = (await session.execute(_NOW, ids)).one_or_none()
    now: Counted | None = None
    if found is not None:
        day, status, kind, guests, recognised, earned, at, city, created, customer = found
        zone = await _lead_zone(session, organization_id)
        asked = created.astimezone(zone).date() if zone else created.date()
        now = Counted(
            day, status, kind, int(guests), int(recognised), int(earned), at, city,
            (day - asked).days, customer,
        )  # fmt: skip
    if before == now:
        return
    await _move(session, organization_id, _STATEMENTS[dialect], before, now)
    if now is None:
        await session.execute(_FORGET, ids)
    else:
        await session.execute(
            _STATEMENTS[dialect]["remember"],
            {**ids, "id": uuid.uuid4(), "now": utcnow(), **now.__dict__},
        )
    first = [(c.customer_id, c.day, c.going) for c in (before, now) if c is not None]
    if len(first) < 2 or first[0] != first[1]:
        for customer_id in sorted({c[0] for c in first}):
            await customer_firsts.refresh(session, organization_id, customer_id)
