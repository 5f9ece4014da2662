"""Every query of availability: chef teams, the day locks, and the claim ledger."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, cast

from sqlalchemy import (
    Date,
    Select,
    String,
    Table,
    Uuid,
    and_,
    bindparam,
    column,
    delete,
    func,
    insert,
    null,
    or_,
    select,
    table,
    type_coerce,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.elements import ColumnElement

from maitred.availability.claim_statements import (
    FREE_TEAM_CLAIMS,
    claim_last_sql,
)
from maitred.availability.models import CapacityClaim, CapacityDay, ChefTeam
from maitred.kit import writes
from maitred.kit.clock import utcnow
from maitred.kit.db import UTCDateTime
from maitred.kit.reads import ReadQuery
from maitred.kit.repository import Repository

# The columns of the book the integrity check compares claims with. Read as a plain table:
# bookings depends on availability, not the other way round.
_bookings = table(
    "bookings",
    column("id", Uuid),
    column("organization_id", Uuid),
    column("status", String),
    column("event_date", Date),
    column("ends_at", UTCDateTime()),
    column("hold_expires_at", UTCDateTime()),
)
HOLDING_STATUSES = ("pending", "confirmed")
# A claim's span (the event and its buffers) is capped by the settings well below this.
_LONGEST_SPAN = timedelta(days=3)


def active_at(now: datetime) -> ColumnElement[bool]:
    """A claim holds its team while neither released nor expired; no background job needed."""
    return and_(
        CapacityClaim.released_at.is_(None),
        or_(CapacityClaim.expires_at.is_(None), CapacityClaim.expires_at > now),
    )


@dataclass(frozen=True)
class ActiveTeam:
    id: uuid.UUID
    name: str
    working_weekdays: list[int]
    time_off: list[Any]


# The calendar's two reads, built once: availability answers and every claim run them, and
# building the statements anew cost more than running them.
_ACTIVE_TEAMS = (
    select(ChefTeam.id, ChefTeam.name, ChefTeam.working_weekdays, ChefTeam.time_off)
    .where(
        ChefTeam.organization_id == bindparam("organization_id", type_=Uuid()),
        ChefTeam.is_active.is_(True),
    )
    .order_by(ChefTeam.name, ChefTeam.id)
)
_ACTIVE_CLAIMS_BETWEEN = select(
    CapacityClaim.booking_id, CapacityClaim.team_id, CapacityClaim.starts_at, CapacityClaim.ends_at
).where(
    CapacityClaim.organization_id == bindparam("organization_id", type_=Uuid()),
    CapacityClaim.day >= bindparam("first", type_=Date()),
    CapacityClaim.day <= bindparam("last", type_=Date()),
    CapacityClaim.released_at.is_(None),
    or_(
        CapacityClaim.expires_at.is_(None),
        CapacityClaim.expires_at > bindparam("now", type_=UTCDateTime()),
    ),
)


# The availability answer's one read: the active claims whose span meets `since`..`until`
# (on the claims' organization/day index; the day bounds keep the scan to the days that can
# reach the slots), then every active team, with a NULL where the other part has no value. Team
# ids and JSON come back as the driver gives them: the answer only groups by the id, and parses
# each distinct JSON text once (availability/slots.py). A LEFT JOIN from the teams made SQLite
# walk the claims of every day once per team.
TEAMS_AND_CLAIMS = ReadQuery(
    union_all(
        select(
            type_coerce(CapacityClaim.team_id, String).label("team"),
            # As the driver gives them (SQLite: text; availability/slots.py `_moment`): the
            # ~50 team rows' NULLs then cost no conversion each.
            type_coerce(CapacityClaim.starts_at, String).label("starts_at"),
            type_coerce(CapacityClaim.ends_at, String).label("ends_at"),
            type_coerce(null(), String).label("working_weekdays"),
            type_coerce(null(), String).label("time_off"),
        ).where(
            CapacityClaim.organization_id == bindparam("claims_of", type_=Uuid()),
            CapacityClaim.day >= bindparam("first", type_=Date()),
            CapacityClaim.day <= bindparam("last", type_=Date()),
            CapacityClaim.released_at.is_(None),
            or_(
                CapacityClaim.expires_at.is_(None),
                CapacityClaim.expires_at > bindparam("now", type_=UTCDateTime()),
            ),
            CapacityClaim.starts_at < bindparam("until", type_=UTCDateTime()),
            CapacityClaim.ends_at > bindparam("since", type_=UTCDateTime()),
        ),
        select(
            type_coerce(ChefTeam.id, String),
            type_coerce(null(), String),
            type_coerce(null(), String),
            type_coerce(ChefTeam.working_weekdays, String),
            type_coerce(ChefTeam.time_off, String),
        ).where(
            ChefTeam.organization_id == bindparam("teams_of", type_=Uuid()),
            ChefTeam.is_active.is_(True),
        ),
    )
)


def _take_day(insert: Any) -> Any:
    """Creates the day's lock row or bumps its version: either way the row is locked."""
    statement = insert(CapacityDay).values(
        id=bindparam("b_id"),
        organization_id=bindparam("b_organization_id"),
        day=bindparam("b_day"),
        version=0,
        created_at=bindparam("b_now"),
        updated_at=bindparam("b_now"),
    )
    return statement.on_conflict_do_update(
        index_elements=["organization_id", "day"],
        set_={"version": CapacityDay.version + 1, "updated_at": statement.excluded.updated_at},
    )


_TAKE_DAY = {"postgresql": _take_day(pg_insert), "sqlite": _take_day(sqlite_insert)}
# The active teams, each with its active claims of the days asked (none: one row of NULLs), in
# the calendar's order: what a claimer needs, in one statement.
_TEAMS_AND_CLAIMS = (
    select(
        ChefTeam.id,
        ChefTeam.name,
        ChefTeam.working_weekdays,
        ChefTeam.time_off,
        CapacityClaim.booking_id,
        CapacityClaim.starts_at,
        CapacityClaim.ends_at,
    )
    .select_from(ChefTeam)
    .outerjoin(
        CapacityClaim,
        and_(
            CapacityClaim.team_id == ChefTeam.id,
            CapacityClaim.organization_id == bindparam("organization_id", type_=Uuid()),
            CapacityClaim.day >= bindparam("first", type_=Date()),
            CapacityClaim.day <= bindparam("last", type_=Date()),
            CapacityClaim.released_at.is_(None),
            or_(
                CapacityClaim.expires_at.is_(None),
                CapacityClaim.expires_at > bindparam("now", type_=UTCDateTime()),
            ),
        ),
    )
    .where(
        ChefTeam.organization_id == bindparam("organization_id", type_=Uuid()),
        ChefTeam.is_active.is_(True),
    )
    .order_by(ChefTeam.name, ChefTeam.id)
)
_INSERT_CLAIMS = insert(cast(Table, CapacityClaim.__table__))


class TeamRepository(Repository[ChefTeam]):
    model: ClassVar[type[Any]] = ChefTeam
    not_found_message: ClassVar[str] = "No such chef team"
    sorts: ClassVar[Mapping[str, Any]] = {
        "name": func.lower(ChefTeam.name),
        "created_at": ChefTeam.created_at,
    }

    def matching(self, *, is_active: bool | None) -> Select[tuple[ChefTeam]]:
        statement = self.scoped()
        if is_active is not None:
            statement = statement.where(ChefTeam.is_active.is_(is_active))
        return statement

    async def active(self) -> list[ActiveTeam]:
        """What the calendar needs of each active team, by name."""
        rows = await self.session.execute(_ACTIVE_TEAMS, {"organization_id": self.organization_id})
        return [ActiveTeam(r.id, r.name, r.working_weekdays, r.time_off or []) for r in rows]

    async def has_future_claims(self, team_id: uuid.UUID, now: datetime) -> bool:
        found = await self.session.scalar(
            select(CapacityClaim.id)
            .where(
                CapacityClaim.organization_id == self.organization_id,
                CapacityClaim.team_id == team_id,
                CapacityClaim.ends_at > now,
                active_at(now),
            )
            .limit(1)
        )
        return found is not None

    async def delete(self, team: ChefTeam) -> None:
        """The team and its spent claims (released, expired or past): they constrain nothing."""
        await self.session.execute(
            delete(CapacityClaim)
            .where(
                CapacityClaim.organization_id == self.organization_id,
                CapacityClaim.team_id == team.id,
            )
            .execution_options(synchronize_session=False)
        )
        await self.session.delete(team)


class ClaimRepository(Repository[CapacityClaim]):
    model: ClassVar[type[Any]] = CapacityClaim

    async def lock_days(self, days: Sequence[date]) -> None:
        """Takes the lock row of every day in `days`, in ascending order (no deadlocks), in one
        statement: on PostgreSQL the row lock is held until commit, so claimers of a day run one
        at a time. On SQLite nothing to do: a write transaction begins IMMEDIATE, so it already
        holds the database's single writer lock, and the rows would only cost a statement."""
        dialect = self.session.get_bind().dialect.name
        if dialect == "sqlite":
            return
        now = utcnow()
        await self.session.execute(
            _TAKE_DAY[dialect],
            [
                {"b_id": uuid.uuid4(), "b_organization_id": self.organization_id, "b_day": day}
                | {"b_now": now}
                for day in sorted(set(days))
            ],
        )

    async def claim_free_team(
        self,
        *,
        booking_id: uuid.UUID,
        day: date,
        starts_at: datetime,
        ends_at: datetime,
        expires_at: datetime | None,
        forced: uuid.UUID | None,
    ) -> uuid.UUID | None:
        """Claims one free team for a new booking in one statement; its id, or None when no
        team (or not the `forced` one) is free then."""
        dialect = self.session.get_bind().dialect.name
        parameters: dict[str, Any] = self._claim_values(
            booking_id, day, starts_at, ends_at, expires_at, utcnow()
        )
        if forced is not None:
            parameters["forced"] = forced
        found = await FREE_TEAM_CLAIMS[(dialect, forced is not None)].run(self.session, parameters)
        team_id: uuid.UUID | None = found[0][0] if found else None
        return team_id

    def _claim_values(
        self,
        booking_id: uuid.UUID,
        day: date,
        starts_at: datetime,
        ends_at: datetime,
        expires_at: datetime | None,
        now: datetime,
    ) -> dict[str, Any]:
        """The free-team claim's values (bound, or written as literals by `claim_and_commit`)."""
        return {
            "id": uuid.uuid4(),
            "organization_id": self.organization_id,
            "booking_id": booking_id,
            "day": day,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "expires_at": expires_at,
            "now": now,
            "reach": starts_at - _LONGEST_SPAN,
            "weekday": day.isoweekday(),
            "stamp": day.isoformat(),
        }

    async def claim_and_commit(
        self,
        *,
        days: Sequence[date],
        booking_id: uuid.UUID,
        day: date,
        starts_at: datetime,
        ends_at: datetime,
        expires_at: datetime | None,
    ) -> None:
        """PostgreSQL, a new booking written without a team: takes the day locks, claims one
        free team and sets it on the booking, then commits the transaction, all in one message
        (the simple query protocol runs its statements in order, each on a fresh snapshot, and
        stops at the first error). The day's lock row is then held for the server's work only,
        never across a round trip to this process. No team free: `NO_FREE_TEAM` is raised
        (asyncpg's RaiseError) before the COMMIT, and the transaction is left to roll back.

        The message ends by opening an empty transaction, which the session's own commit
        after this one ends."""
        now = utcnow()
        values = self._claim_values(booking_id, day, starts_at, ends_at, expires_at, now)
        batch = claim_last_sql(self.organization_id, days, values, now)
        connection = await self.session.connection()
        raw = await connection.get_raw_connection()
        for listener in writes.listeners:
            listener(batch)
        driver: Any = raw.driver_connection  # asyncpg's
        if not driver.is_in_transaction():
            # Each statement would commit on its own: the claim would run without the locks.
            raise RuntimeError("claim_and_commit ends a transaction that has written already")
        await driver.execute(batch)

    async def is_active_team(self, team_id: uuid.UUID) -> bool:
        found = await self.session.scalar(
            select(ChefTeam.id).where(
                ChefTeam.organization_id == self.organization_id,
                ChefTeam.id == team_id,
                ChefTeam.is_active.is_(True),
            )
        )
        return found is not None

    async def teams_and_claims(
        self, first: date, last: date, now: datetime
    ) -> tuple[list[ActiveTeam], list[tuple[uuid.UUID, uuid.UUID, datetime, datetime]]]:
        """The active teams (by name), and (booking, team, starts_at, ends_at) of the active
        claims of days `first`..`last` of those teams."""
        rows = await self.session.execute(
            _TEAMS_AND_CLAIMS,
            {"organization_id": self.organization_id, "first": first, "last": last, "now": now},
        )
        teams: dict[uuid.UUID, ActiveTeam] = {}
        claims = []
        for team_id, name, weekdays, time_off, booking_id, starts_at, ends_at in rows:
            if team_id not in teams:
                teams[team_id] = ActiveTeam(team_id, name, weekdays, time_off or [])
            if booking_id is not None:
                claims.append((booking_id, team_id, starts_at, ends_at))
        return list(teams.values()), claims

    async def insert(self, rows: Sequence[dict[str, Any]]) -> None:
        """New claims, in one statement (no ORM objects: nothing reads them back)."""
        now = utcnow()
        await self.session.execute(
            _INSERT_CLAIMS,
            [
                {"id": uuid.uuid4(), "organization_id": self.organization_id}
                | {"created_at": now, "updated_at": now, "released_at": None}
                | row
                for row in rows
            ],
        )

    async def active_between(
        self, first: date, last: date, now: datetime
    ) -> list[tuple[uuid.UUID, uuid.UUID, datetime, datetime]]:
        """(booking, team, starts_at, ends_at) of the active claims of days `first`..`last`."""
        rows = await self.session.execute(
            _ACTIVE_CLAIMS_BETWEEN,
            {"organization_id": self.organization_id, "first": first, "last": last, "now": now},
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    async def unreleased_of(self, booking_id: uuid.UUID) -> Sequence[CapacityClaim]:
        return await self.all(
            self.scoped()
            .where(CapacityClaim.booking_id == booking_id, CapacityClaim.released_at.is_(None))
            .order_by(CapacityClaim.created_at, CapacityClaim.id)
        )

    async def mark_released(self, claim_ids: Collection[uuid.UUID], now: datetime) -> None:
        if claim_ids:
            await self.session.execute(
                update(CapacityClaim)
                .where(
                    CapacityClaim.organization_id == self.organization_id,
                    CapacityClaim.id.in_(list(claim_ids)),
                    CapacityClaim.released_at.is_(None),
                )
                .values(released_at=now)
                .execution_options(synchronize_session=False)
            )

    async def release_expired(self, booking_id: uuid.UUID, now: datetime) -> Sequence[date]:
        """Releases the booking's holds that ran out; the days they were on."""
        rows = await self.session.execute(
            update(CapacityClaim)
            .where(
                CapacityClaim.organization_id == self.organization_id,
                CapacityClaim.booking_id == booking_id,
                CapacityClaim.released_at.is_(None),
                CapacityClaim.expires_at.is_not(None),
                CapacityClaim.expires_at <= now,
            )
            .values(released_at=now)
            .returning(CapacityClaim.day)
            .execution_options(synchronize_session="fetch")
        )
        return [row[0] for row in rows]

    async def make_permanent(self, claim_ids: Collection[uuid.UUID]) -> int:
        """Clears the expiry of those of `claim_ids` not released meanwhile (the expiry job
        takes no day lock, so it may just have released one); how many were kept."""
        result = await self.session.execute(
            update(CapacityClaim)
            .where(
                CapacityClaim.organization_id == self.organization_id,
                CapacityClaim.id.in_(list(claim_ids)),
                CapacityClaim.released_at.is_(None),
            )
            .values(expires_at=None)
            .execution_options(synchronize_session="fetch")
        )
        count: int = result.rowcount  # type: ignore[attr-defined]
        return count

    async def future_active(self, now: datetime) -> Sequence[CapacityClaim]:
        return await self.all(
            self.scoped()
            .where(CapacityClaim.ends_at > now, active_at(now))
            .order_by(CapacityClaim.team_id, CapacityClaim.starts_at)
        )

    async def holding_bookings(self, now: datetime) -> Sequence[Any]:
        """Bookings still to happen that should hold a team: confirmed, or pending within
        their hold (id, status, event_date, hold_expires_at)."""
        rows = await self.session.execute(
            select(
                _bookings.c.id,
                _bookings.c.status,
                _bookings.c.event_date,
                _bookings.c.hold_expires_at,
            ).where(
                _bookings.c.organization_id == self.organization_id,
                _bookings.c.status.in_(HOLDING_STATUSES),
                _bookings.c.ends_at > now,
            )
        )
        return rows.all()

    async def statuses_of(self, booking_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not booking_ids:
            return {}
        rows = await self.session.execute(
            select(_bookings.c.id, _bookings.c.status).where(
                _bookings.c.organization_id == self.organization_id,
                _bookings.c.id.in_(list(booking_ids)),
            )
        )
        return {row[0]: row[1] for row in rows}
