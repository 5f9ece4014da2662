"""Every query of the claim ledger's claimers: the day locks, the claim of free teams, and the
claims' release and keeping. The teams' own queries are in team_repository.py, the ledger's
integrity reads in ledger_check_repository.py, the availability answer's in slot_queries.py."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, ClassVar, cast

from sqlalchemy import Date, Table, Uuid, and_, bindparam, insert, select, update

from maitred.availability.claim_statements import FREE_TEAM_CLAIMS, TAKE_DAY, claim_last_sql
from maitred.availability.models import CapacityClaim, ChefTeam, active_at
from maitred.kit import writes
from maitred.kit.clock import utcnow
from maitred.kit.db import UTCDateTime
from maitred.kit.repository import Repository

# A claim's span (the event and its buffers) is capped by the settings well below this.
_LONGEST_SPAN = timedelta(days=3)


@dataclass(frozen=True)
class ActiveTeam:
    id: uuid.UUID
    name: str
    working_weekdays: list[int]
    time_off: list[Any]


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
            active_at(bindparam("now", type_=UTCDateTime())),
        ),
    )
    .where(
        ChefTeam.organization_id == bindparam("organization_id", type_=Uuid()),
        ChefTeam.is_active.is_(True),
    )
    .order_by(ChefTeam.name, ChefTeam.id)
)
_INSERT_CLAIMS = insert(cast(Table, CapacityClaim.__table__))


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
            TAKE_DAY[dialect],
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

    async def unreleased_of(self, booking_id: uuid.UUID) -> Sequence[CapacityClaim]:
        return await self.all(
            self.scoped()
            .where(CapacityClaim.booking_id == booking_id, CapacityClaim.released_at.is_(None))
            .order_by(CapacityClaim.created_at, CapacityClaim.id)
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
