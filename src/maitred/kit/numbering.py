"""Human-facing number series (`BK-2025-000123`, `ORD-2025-000045`): unique per organization and
year, never reused, safe under concurrency.

One row per (organization, series, year) is bumped with a single guarded UPDATE ... RETURNING,
which PostgreSQL serializes on the row lock and SQLite on its one writer; a number taken by a
transaction that rolls back is skipped, never handed out twice.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Integer, String, UniqueConstraint, update
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


async def next_number(
    session: AsyncSession, *, organization_id: uuid.UUID, series: str, year: int
) -> int:
    now = utcnow()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(NumberSeries)
        .values(
            id=uuid.uuid4(),
            organization_id=organization_id,
            series=series,
            year=year,
            last_value=0,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["organization_id", "series", "year"])
    )
    value = await session.scalar(
        update(NumberSeries)
        .where(
            NumberSeries.organization_id == organization_id,
            NumberSeries.series == series,
            NumberSeries.year == year,
        )
        .values(last_value=NumberSeries.last_value + 1, updated_at=now)
        .returning(NumberSeries.last_value)
    )
    assert value is not None
    return int(value)


def formatted(prefix: str, year: int, value: int) -> str:
    return f"{prefix}-{year}-{value:06d}"
