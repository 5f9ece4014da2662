"""Human-facing number series (`BK-2025-000123`, `ORD-2025-000045`): unique per organization and
year, never reused, safe under concurrency.

One row per (organization, series, year) is created or bumped by a single upsert ... RETURNING,
which PostgreSQL serializes on the row lock and SQLite on its one writer; a number taken by a
transaction that rolls back is skipped, never handed out twice.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Integer, String, UniqueConstraint, bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.clock import utcnow
from maitred.kit.db import Base, TenantOwned
from maitred.kit.writes import WriteStatement


class NumberSeries(TenantOwned, Base):
    __tablename__ = "number_series"
    __table_args__ = (UniqueConstraint("organization_id", "series", "year"),)

    series: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


def _take(insert: Any) -> Any:
    """Creates the series at 1 or bumps it, and answers the value taken: one statement."""
    statement = insert(NumberSeries).values(
        id=bindparam("b_id"),
        organization_id=bindparam("b_organization_id"),
        series=bindparam("b_series"),
        year=bindparam("b_year"),
        last_value=1,
        created_at=bindparam("b_now"),
        updated_at=bindparam("b_now"),
    )
    return statement.on_conflict_do_update(
        index_elements=["organization_id", "series", "year"],
        set_={
            "last_value": NumberSeries.last_value + 1,
            "updated_at": statement.excluded.updated_at,
        },
    ).returning(NumberSeries.last_value)


# Built once: every booking takes a number, and building these anew cost more than running them.
_TAKE = {
    "postgresql": WriteStatement(_take(pg_insert)),
    "sqlite": WriteStatement(_take(sqlite_insert)),
}


async def next_number(
    session: AsyncSession, *, organization_id: uuid.UUID, series: str, year: int
) -> int:
    dialect = session.get_bind().dialect.name
    taken = await _TAKE[dialect].run(
        session,
        {
            "b_id": uuid.uuid4(),
            "b_organization_id": organization_id,
            "b_series": series,
            "b_year": year,
            "b_now": utcnow(),
        },
    )
    return int(taken[0][0])


def formatted(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year}-{value:06d}"
