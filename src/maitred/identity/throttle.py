"""Failed sign-ins: exponential backoff per account, and a limit of failures per client address.

Per account, in the database (every API process sees the same count, with or without Redis,
and a restart does not hand an attacker a fresh allowance): from the `free_failures`-th failure
in a row on, each failure starts a wait before a password is even checked again, `first_delay`
and doubling with each further failure up to `max_delay`. Only password-only attempts wait: an
attacker elsewhere can keep an account in backoff, never lock its owner out, since the password
together with a valid second factor is checked whatever the backoff (`mfa.sign_in_with_code`)
and a password-reset link clears it. A correct password from an address the owner signed in
from before is not let through: behind a shared address (carrier NAT, an office) anyone there
would get unthrottled guesses. The account key is the email's blind index whether or not such
an account exists, so backoff reveals nothing about who has an account.

Second-factor failures count under their own key (`mfa:`), which only someone who knows the
password can raise; while it backs off, codes are not tried at all.

Per client address (an IPv6 /64 as one), in the rate limiter (Redis when configured, else this
process's memory; none when rate limits are off): at most `per_address.limit` failures in any
`per_address.window` seconds, across accounts.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.identity.errors import AccountLocked
from maitred.identity.models import LoginThrottle
from maitred.kit.clock import isoformat_z, utcnow
from maitred.kit.ratelimit import Limiter, Policy
from maitred.kit.ratelimit_middleware import quota_address

ACCOUNT = "account:"
SECOND_FACTOR = "mfa:"
ADDRESS = "login-failures:ip:"


@dataclass(frozen=True)
class ThrottleRules:
    free_failures: int = 5
    first_delay: timedelta = timedelta(seconds=30)
    max_delay: timedelta = timedelta(minutes=15)
    # A run of failures is forgotten after this long without one (a success ends it at once).
    forget_after: timedelta = timedelta(hours=24)
    per_address: Policy = field(default_factory=lambda: Policy(20, 15 * 60))

    def delay(self, failures: int) -> timedelta | None:
        """The wait after the `failures`-th failure in a row: none for the first few."""
        if failures < self.free_failures:
            return None
        doublings = min(failures - self.free_failures, 32)
        delay: timedelta = self.first_delay * (1 << doublings)
        return min(delay, self.max_delay)


@dataclass(frozen=True)
class Keys:
    """The throttle keys of one email address."""

    account: str
    second_factor: str

    @classmethod
    def of(cls, email_index: str) -> Keys:
        return cls(ACCOUNT + email_index, SECOND_FACTOR + email_index)


def too_many(wait: int, limit: int) -> AccountLocked:
    """The 429 of a refused sign-in; `wait` is exact, in whole seconds."""
    reset_at = utcnow() + timedelta(seconds=wait)
    return AccountLocked(
        f"Too many failed sign-ins; try again in {wait} second{'' if wait == 1 else 's'}",
        details={"limit": limit, "reset_at": isoformat_z(reset_at), "retry_after": wait},
        headers={"Retry-After": str(wait)},
    )


async def backoff(session: AsyncSession, key: str) -> int | None:
    """The whole seconds until `key` may try again (at least 1), or None when it may now."""
    now = utcnow()
    until = await session.scalar(
        select(LoginThrottle.locked_until).where(
            LoginThrottle.key == key, LoginThrottle.locked_until > now
        )
    )
    return None if until is None else seconds_until(until, now)


def seconds_until(moment: datetime, now: datetime) -> int:
    """Waiting this many whole seconds from `now` reaches `moment` (no earlier)."""
    return max(1, math.ceil((moment - now).total_seconds()))


async def record_failure(session: AsyncSession, key: str, rules: ThrottleRules) -> int | None:
    """Counts one failure; the backoff it starts (whole seconds), or None."""
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
    forgotten = LoginThrottle.updated_at < now - rules.forget_after
    failures = await session.scalar(
        update(LoginThrottle)
        .where(LoginThrottle.key == key)
        .values(
            failures=case((forgotten, 1), else_=LoginThrottle.failures + 1),
            window_started_at=case((forgotten, now), else_=LoginThrottle.window_started_at),
            updated_at=now,
        )
        .returning(LoginThrottle.failures)
    )
    delay = rules.delay(failures or 0)
    if delay is None:
        return None
    until = now + delay
    # Two failures racing: the longer wait stands.
    await session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key == key)
        .values(
            locked_until=case(
                (LoginThrottle.locked_until > until, LoginThrottle.locked_until), else_=until
            )
        )
    )
    return seconds_until(until, now)


async def clear(session: AsyncSession, *keys: str) -> None:
    await session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.key.in_(keys))
        .values(failures=0, locked_until=None, updated_at=utcnow())
    )


@dataclass(frozen=True)
class AddressFailures:
    """Failed sign-ins per client address, in the rate limiter (none when rate limits are off)."""

    limiter: Limiter | None
    policy: Policy

    async def wait(self, ip: str) -> int | None:
        """Whole seconds until this address may try again, or None when it may now."""
        if self.limiter is None:
            return None
        state = await self.limiter.peek(ADDRESS + quota_address(ip), self.policy)
        return None if state.allowed else state.retry_after

    async def record(self, ip: str) -> None:
        if self.limiter is not None:
            await self.limiter.hit(ADDRESS + quota_address(ip), self.policy)
