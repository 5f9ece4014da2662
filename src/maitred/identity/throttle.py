"""Failed sign-ins, counted per account and per client address in the database (so every API
process sees the same counts), with a lockout once a count reaches its limit in the window.

The account key is the email's blind index, whether or not such an account exists: locking
works the same for unknown emails, so a lockout reveals nothing about who has an account.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity.models import LoginThrottle
from maitred.kit.clock import utcnow


@dataclass(frozen=True)
class ThrottleRules:
    max_per_account: int = 5
    max_per_ip: int = 20
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)

    def limit_of(self, key: str) -> int:
        return self.max_per_ip if key.startswith("ip:") else self.max_per_account


async def locked_until(session: AsyncSession, keys: list[str]) -> datetime | None:
    """The latest lock still running on any of `keys`, or None."""
    now = utcnow()
    return await session.scalar(
        select(LoginThrottle.locked_until)
        .where(LoginThrottle.key.in_(keys), LoginThrottle.locked_until > now)
        .order_by(LoginThrottle.locked_until.desc())
        .limit(1)
    )


async def record_failure(session: AsyncSession, key: str, rules: ThrottleRules) -> bool:
    """Counts one failure; True when this failure started a lockout."""
    now = utcnow()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(
        insert(LoginThrottle)
        .values(
            id=uuid.uuid4(),
            key=key,
            failures=0,
            window_started_at=now,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
    )
    stale = LoginThrottle.window_started_at < now - rules.window
    failures = await session.scalar(
        update(LoginThrottle)
        .where(LoginThrottle.key == key)
        .values(
            failures=case((stale, 1), else_=LoginThrottle.failures + 1),
            window_started_at=case((stale, now), else_=LoginThrottle.window_started_at),
            updated_at=now,
        )
        .returning(LoginThrottle.failures)
    )
    if failures is not None and failures >= rules.limit_of(key):
        await session.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == key)
            .values(locked_until=now + rules.lockout, failures=0, window_started_at=now)
        )
        return True
    return False


async def clear(session: AsyncSession, key: str) -> None:
    await session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == key)
        .values(failures=0, locked_until=None, updated_at=utcnow())
    )
