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

from sqlalchemy import BigInteger, ColumnElement, and_, bindparam, delete, func, text
from sqlalchemy.dialects.postgresql import ARRAY
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
        await self.add_many(session, {organization_id: net})

    async def add_many(self, session: AsyncSession, nets: dict[uuid.UUID, Sums]) -> None:
        """`add` for several organizations at once: one upsert for all their rows (in one
        order, so that two workers' upserts take PostgreSQL's row locks in the same order)."""
        stamp = utcnow()
        rows = [
            {
                "id": uuid.uuid4(),
                "now": stamp,
                "organization_id": organization_id,
                **dict(zip(self.keys, key, strict=True)),
                **dict(zip(self.sums, values, strict=True)),
            }
            for organization_id, net in sorted(nets.items(), key=lambda item: str(item[0]))
            for key, values in sorted(net.items(), key=lambda item: str(item[0]))
        ]
        if not rows:
            return
        await session.execute(self.upserts[session.get_bind().dialect.name], rows)
        left = [
            {"organization_id": organization_id, **dict(zip(self.keys, key, strict=True))}
            for organization_id, net in nets.items()
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
    await lock_many(session, [names])


_LOCK_ALL = text("SELECT pg_advisory_xact_lock(key) FROM unnest(:keys) AS held(key)").bindparams(
    bindparam("keys", type_=ARRAY(BigInteger))
)


async def lock_many(session: AsyncSession, names: Iterable[tuple[object, ...]]) -> None:
    """`lock` on each of `names` in one statement, in the order of their keys (unnest keeps an
    array's order), so that two transactions locking overlapping sets never wait on each other
    in a circle."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({_key(named) for named in names})
    if len(keys) == 1:
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": keys[0]})
    elif keys:
        await session.execute(_LOCK_ALL, {"keys": keys})


def _key(names: tuple[object, ...]) -> int:
    digest = hashlib.blake2b(":".join(map(str, names)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def new_id(dialect: str) -> ColumnElement[Any]:
    """A fresh key per row of an INSERT … SELECT (SQLite keeps a UUID as 32 hex digits)."""
    if dialect == "postgresql":
        return func.gen_random_uuid()
    return func.lower(func.hex(func.randomblob(16)))
