"""Human-facing number series (`BK-2025-000123`, `ORD-2025-000045`): unique per organization and
year, never reused, safe under concurrency.

One row per (organization, series, year) is created or bumped by a single upsert ... RETURNING,
which PostgreSQL serializes on the row lock and SQLite on its one writer; a number taken by a
transaction that rolls back is skipped, never handed out twice.

On PostgreSQL a hot path takes its number before its transaction, in an autocommit statement
of its own (`take_now`): the series' row lock is then held for that statement only, not until
the caller's COMMIT, so the organization's bookings no longer queue on it one transaction after
the other (bench/README.md, "PostgreSQL's claim last").
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Integer, String, UniqueConstraint, bindparam, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.clock import utcnow
from maitred.kit.db import Base, TenantOwned
from maitred.kit.reads import ReadPool, ReadQuery
from maitred.kit.writes import WriteStatement


class NumberSeries(TenantOwned, Base):
    __tablename__ = "number_series"
    __table_args__ = (UniqueConstraint("organization_id", "series", "year"),)

    series: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


def _take(insert: Any, one: Any = 1) -> Any:
    """Creates the series at 1 or bumps it, and answers the value taken: one statement."""
    statement = insert(NumberSeries).values(
        id=bindparam("b_id"),
        organization_id=bindparam("b_organization_id"),
        series=bindparam("b_series"),
        year=bindparam("b_year"),
        last_value=one,
        created_at=bindparam("b_now"),
        updated_at=bindparam("b_now"),
    )
    return statement.on_conflict_do_update(
        index_elements=["organization_id", "series", "year"],
        set_={
            "last_value": NumberSeries.last_value + one,
            "updated_at": statement.excluded.updated_at,
        },
    ).returning(NumberSeries.last_value)


# Built once: every booking takes a number, and building these anew cost more than running them.
_TAKE = {
    "postgresql": WriteStatement(_take(pg_insert)),
    "sqlite": WriteStatement(_take(sqlite_insert)),
}


# The same upsert as a SELECT of a data-modifying CTE, which the read pool runs on its own
# connection outside any transaction (asyncpg: autocommit). PostgreSQL only.
# (Its 1 is written in the SQL: a ReadQuery binds only the values it is given.)
_TAKE_NOW = ReadQuery(
    select(_take(pg_insert, literal_column("1", Integer)).cte("taken").c.last_value)
)


def _take_values(organization_id: uuid.UUID, series: str, year: int) -> dict[str, Any]:
    """The take's bound values: a new series row's id and the instant, should it be created."""
    return {
        "b_id": uuid.uuid4(),
        "b_organization_id": organization_id,
        "b_series": series,
        "b_year": year,
        "b_now": utcnow(),
    }


async def take_now(reads: ReadPool, *, organization_id: uuid.UUID, series: str, year: int) -> int:
    """`next_number`, committed at once on a connection of `reads` (PostgreSQL): the series'
    row is locked for this one statement; a number the caller's transaction then does not use
    is skipped, as one taken inside it and rolled back."""
    row = await reads.one(_TAKE_NOW, **_take_values(organization_id, series, year))
    assert row is not None  # the upsert always returns its row
    return int(row["last_value"])


async def next_number(
    session: AsyncSession, *, organization_id: uuid.UUID, series: str, year: int
) -> int:
    dialect = session.get_bind().dialect.name
    taken = await _TAKE[dialect].run(session, _take_values(organization_id, series, year))
    return int(taken[0][0])


def formatted(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year}-{value:06d}"
