"""Human-facing number series (`BK-2025-000123`, `ORD-2025-000045`): unique per organization and
year, never reused, safe under concurrency.

One row per (organization, series, year) is bumped with a single guarded UPDATE ... RETURNING,
which PostgreSQL serializes on the row lock and SQLite on its one writer; a number taken by a
transaction that rolls back is skipped, never handed out twice.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Integer, String, UniqueConstraint, bindparam, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.clock import utcnow
from maitred.kit.db import Base, TenantOwned


class NumberSeries(TenantOwned, Base):
    __tablename__ = "number_series"
    __table_args__ = (UniqueConstraint("organization_id", "series", "year"),)

    series: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


def _upsert(insert: Any) -> Any:
    return (
        insert(NumberSeries)
        .values(
            id=bindparam("b_id"),
            organization_id=bindparam("b_organization_id"),
            series=bindparam("b_series"),
            year=bindparam("b_year"),
            last_value=0,
            created_at=bindparam("b_now"),
            updated_at=bindparam("b_now"),
        )
        .on_conflict_do_nothing(index_elements=["organization_id", "series", "year"])
    )


# Built once: every booking takes a number, and building these anew cost more than running them.
_CREATE = {"postgresql": _upsert(pg_insert), "sqlite": _upsert(sqlite_insert)}
_BUMP = (
    update(NumberSeries)
    .where(
        NumberSeries.organization_id == bindparam("b_organization_id"),
        NumberSeries.series == bindparam("b_series"),
        NumberSeries.year == bindparam("b_year"),
    )
    .values(last_value=NumberSeries.last_value + 1, updated_at=bindparam("b_now"))
    .returning(NumberSeries.last_value)
    .execution_options(synchronize_session=False)
)


async def next_number(
    session: AsyncSession, *, organization_id: uuid.UUID, series: str, year: int
) -> int:
    key = {
        "b_organization_id": organization_id,
        "b_series": series,
        "b_year": year,
        "b_now": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    await session.execute(_CREATE[dialect], {"b_id": uuid.uuid4(), **key})
    value = await session.scalar(_BUMP, key)
    assert value is not None
    return int(value)


def formatted(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year}-{value:06d}"
