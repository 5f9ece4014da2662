"""Moving a rollup by a difference: rows keyed by the rollup's unique columns, with signed sums
to add. One upsert adds them (concurrent additions to one row add up: PostgreSQL serializes
them on the row, SQLite has one writer), then the rows whose count fell to 0 are deleted, so a
rollup holds the same rows as the full aggregation it stands for."""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, delete, func, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.clock import utcnow

Sums = dict[tuple[Any, ...], list[int]]  # the rollup's key columns -> its sums, signed


def _upsert(insert: Any, table: Any, keys: tuple[str, ...], sums: tuple[str, ...]) -> Any:
    statement = insert(table).values(
        id=bindparam("id"),
        created_at=bindparam("now"),
        updated_at=bindparam("now"),
        **{c: bindparam(c) for c in ("organization_id", *keys, *sums)},
    )
    return statement.on_conflict_do_update(
        index_elements=["organization_id", *keys],
        set_={
            **{c: table.c[c] + statement.excluded[c] for c in sums},
            "updated_at": statement.excluded.updated_at,
        },
    )


class Rollup:
    """A rollup table whose unique key is (organization_id, *keys) and whose first sum is the
    count of rows it stands for. Its statements are built once: deliveries run them often."""

    def __init__(self, model: Any, keys: tuple[str, ...], sums: tuple[str, ...]) -> None:
        table = model.__table__
        self.keys, self.sums = keys, sums
        self.upserts = {
            "postgresql": _upsert(pg_insert, table, keys, sums),
            "sqlite": _upsert(sqlite_insert, table, keys, sums),
        }
        self.empty = delete(table).where(
            table.c.organization_id == bindparam("organization_id"),
            and_(*(table.c[k] == bindparam(k) for k in keys)),
            table.c[sums[0]] == 0,
        )

    async def add(self, session: AsyncSession, organization_id: uuid.UUID, net: Sums) -> None:
        """Adds `net` (from `net_of`); deletes the rows it emptied."""
        if not net:
            return
        stamp = utcnow()
        rows = [
            {
                "id": uuid.uuid4(),
                "now": stamp,
                "organization_id": organization_id,
                **dict(zip(self.keys, key, strict=True)),
                **dict(zip(self.sums, values, strict=True)),
            }
            for key, values in sorted(net.items(), key=lambda item: str(item[0]))
        ]
        await session.execute(self.upserts[session.get_bind().dialect.name], rows)
        left = [
            {"organization_id": organization_id, **dict(zip(self.keys, key, strict=True))}
            for key, values in net.items()
            if values[0] < 0
        ]
        if left:
            await session.execute(self.empty, left)


def net_of(parts: Iterable[tuple[Sums, int]], width: int) -> Sums:
    """The sum of each (sums, sign), without the keys that cancel out."""
    net: Sums = defaultdict(lambda: [0] * width)
    for sums, sign in parts:
        for key, values in sums.items():
            total = net[key]
            for i, value in enumerate(values):
                total[i] += sign * value
    return {key: values for key, values in net.items() if any(values)}


async def lock(session: AsyncSession, *names: object) -> None:
    """A lock for this transaction on what `names` name (PostgreSQL; SQLite has one writer)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(":".join(map(str, names)).encode(), digest_size=8).digest()
    key = int.from_bytes(digest, "big", signed=True)
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def new_id(dialect: str) -> ColumnElement[Any]:
    """A fresh key per row of an INSERT … SELECT (SQLite keeps a UUID as 32 hex digits)."""
    if dialect == "postgresql":
        return func.gen_random_uuid()
    return func.lower(func.hex(func.randomblob(16)))
