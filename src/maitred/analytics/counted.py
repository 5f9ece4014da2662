"""The booking rollups moved by deltas. Each booking's last counted figures are kept
(analytics/models.CountedBooking); when the booking may have changed, the worker reads its row
now, subtracts what it counted for, adds what it counts for now (upserts of the few rollup rows
concerned: its day, status and type; its time, city and lead time tallies; its customer's day,
month and year), and keeps
the new figures. The difference is taken against what was counted, not against what an event
says, so a delivery repeated, late or out of order only reconciles the booking with its row
again: the rollups stay exact. The booking is locked for that (an advisory lock on PostgreSQL;
SQLite has one writer), and concurrent changes to one rollup row add up in the upsert."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, bindparam, case, delete, select, type_coerce
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import customer_firsts, deltas
from maitred.analytics.day_tallies import CITY, LEAD, TIME
from maitred.analytics.models import (
    BookingDayFigures,
    BookingDayTally,
    CountedBooking,
    CustomerSpanFigures,
)
from maitred.analytics.span_pieces import DAY, MONTH, SHIFTED_YEARS, YEAR, shifted_start
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

_NOW = select(
    Booking.id,
    Booking.organization_id,
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
).where(Booking.id.in_(bindparam("bookings", expanding=True)))
_BEFORE = select(
    CountedBooking.booking_id,
    CountedBooking.organization_id,
    *(getattr(CountedBooking, f) for f in FIELDS),
).where(CountedBooking.booking_id.in_(bindparam("bookings", expanding=True)))
_COUNTED: Any = CountedBooking.__table__
_FORGET = delete(_COUNTED).where(
    _COUNTED.c.organization_id == bindparam("org"), _COUNTED.c.booking_id == bindparam("booking")
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


_REMEMBER = {"postgresql": _remember(pg_insert), "sqlite": _remember(sqlite_insert)}
FIGURES = deltas.Rollup(
    BookingDayFigures,
    ("day", "status", "event_type"),
    ("count", "guests", "recognised_minor", "earned_minor"),
)
TALLIES = deltas.Rollup(BookingDayTally, ("day", "kind", "key"), ("count", "amount_minor"))
SPANS = deltas.Rollup(
    CustomerSpanFigures, ("customer_id", "span", "start"), ("count", "amount_minor")
)


def _figures(counted: Counted) -> deltas.Sums:
    key = (counted.day, counted.status, counted.event_type)
    return {key: [1, counted.guests, counted.recognised_minor, counted.earned_minor]}


def _tallies(counted: Counted) -> deltas.Sums:
    if not counted.going:
        return {}
    day = counted.day
    found = {
        (day, TIME, counted.event_time.isoformat()): [1, 0],
        (day, LEAD, str(counted.lead_days)): [1, 0],
    }
    if counted.city is not None:
        found[(day, CITY, counted.city)] = [1, 0]
    return found


def _spans(counted: Counted) -> deltas.Sums:
    if not counted.going:
        return {}
    day, customer, sums = counted.day, counted.customer_id, [1, counted.recognised_minor]
    return {
        (customer, DAY, day): sums,
        (customer, MONTH, day.replace(day=1)): sums,
        (customer, YEAR, date(day.year, 1, 1)): sums,
        **{(customer, s, shifted_start(day, m)): sums for s, m in SHIFTED_YEARS.items()},
    }


def _moved(before: Counted | None, now: Counted | None) -> dict[deltas.Rollup, deltas.Sums]:
    """Each rollup's difference from what a booking counted for to what it counts for now."""
    found = {}
    for rollup, of in ((FIGURES, _figures), (TALLIES, _tallies), (SPANS, _spans)):
        parts = [(of(before), -1)] if before else []
        parts += [(of(now), 1)] if now else []
        found[rollup] = deltas.net_of(parts, len(rollup.sums))
    return found


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
    await reconcile_many(session, [(organization_id, booking_id)])


async def reconcile_many(
    session: AsyncSession, bookings: Iterable[tuple[uuid.UUID, uuid.UUID]]
) -> None:
    """`reconcile` for each (organization, booking) at once, in one statement per shape: the
    bookings' kept and current figures read together, every rollup moved by the sum of their
    differences (one upsert per rollup table), their kept figures written together, and the
    customers whose first booking or days may have moved recomputed together. The figures are
    those of reconciling each booking in turn: a rollup row ends at the same sums whatever the
    order its differences are added in (a booking named twice counts once)."""
    pairs = sorted(set(bookings), key=lambda pair: (str(pair[0]), str(pair[1])))
    if not pairs:
        return
    dialect = session.get_bind().dialect.name
    await deltas.lock_many(session, [("counted", org, booking) for org, booking in pairs])
    ids = {"bookings": [booking for _, booking in pairs]}
    kept = {(r[1], r[0]): Counted(*r[2:]) for r in (await session.execute(_BEFORE, ids)).all()}
    current = {(r[1], r[0]): r[2:] for r in (await session.execute(_NOW, ids)).all()}
    zones: dict[uuid.UUID, ZoneInfo | None] = {}
    nets: dict[deltas.Rollup, dict[uuid.UUID, list[tuple[deltas.Sums, int]]]] = {}
    remember: list[dict[str, Any]] = []
    forget: list[dict[str, Any]] = []
    customers: set[tuple[uuid.UUID, uuid.UUID]] = set()
    stamp = utcnow()
    for organization_id, booking_id in pairs:
        before = kept.get((organization_id, booking_id))
        found = current.get((organization_id, booking_id))
        now: Counted | None = None
        if found is not None:
            day, status, kind, guests, recognised, earned, at, city, created, customer = found
            if organization_id not in zones:
                zones[organization_id] = await _lead_zone(session, organization_id)
            zone = zones[organization_id]
            asked = created.astimezone(zone).date() if zone else created.date()
            now = Counted(
                day, status, kind, int(guests), int(recognised), int(earned), at, city,
                (day - asked).days, customer,
            )  # fmt: skip
        if before == now:
            continue
        for rollup, net in _moved(before, now).items():
            nets.setdefault(rollup, {}).setdefault(organization_id, []).append((net, 1))
        named = {"org": organization_id, "booking": booking_id}
        if now is None:
            forget.append(named)
        else:
            remember.append({**named, "id": uuid.uuid4(), "now": stamp, **now.__dict__})
        first = [(c.customer_id, c.day, c.going) for c in (before, now) if c is not None]
        if len(first) < 2 or first[0] != first[1]:
            customers.update((organization_id, c[0]) for c in first)
    for rollup, by_organization in nets.items():
        await rollup.add_many(
            session,
            {org: deltas.net_of(parts, len(rollup.sums)) for org, parts in by_organization.items()},
        )
    if forget:
        await session.execute(_FORGET, forget)
    if remember:
        await session.execute(_REMEMBER[dialect], remember)
    await customer_firsts.refresh_many(session, customers)
