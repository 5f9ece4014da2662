"""Rate limit counters: tier policies from settings and the limiters that count hits.

Windows are fixed and aligned to the epoch (a 60-second window runs from :00 to :59 of every
minute, the same on every process and machine): cheap, one counter per caller and window, and
shared exactly through Redis. The price is that a caller may send up to twice the limit across
a window boundary; for abuse protection that is an acceptable trade for one INCR a request.

`MemoryLimiter` counts in this process (the embedded default; each process of a multi-worker
server then has its own quota). `RedisLimiter` counts in Redis (`MAITRED_REDIS_URL`), so every
process on every machine shares one quota; when Redis cannot be reached it fails open.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from maitred.config import ConfigError, Settings

log = logging.getLogger("maitred.ratelimit")
Clock = Callable[[], float]
"""Seconds since the epoch; `time.time` except in tests."""

TIERS = ("login", "public", "authenticated", "admin", "ai")
WINDOW_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"\s*(\d+)\s*/\s*(second|minute|hour|day)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Policy:
    """At most `limit` requests per fixed window of `window` seconds."""

    limit: int
    window: int

    @classmethod
    def parse(cls, text: str) -> Policy:
        """`"20/minute"`; the unit is one of second, minute, hour, day."""
        match = _RATE.fullmatch(text)
        if match is None or int(match[1]) < 1:
            raise ValueError(
                f"{text!r} is not a rate; use N/second, N/minute, N/hour or N/day with N >= 1"
            )
        return cls(limit=int(match[1]), window=WINDOW_SECONDS[match[2].lower()])


@dataclass(slots=True)  # not frozen: built on every request, and frozen init costs twice as much
class RateState:
    """A caller's standing in the current window, after (hit) or without (peek) this request.

    `reset_at` is when the window ends (epoch seconds); `retry_after` the whole seconds until
    then (at least 1), which is what a denied caller must wait.
    """

    limit: int
    remaining: int
    reset_at: int
    retry_after: int
    allowed: bool

    @property
    def reset_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.reset_at, UTC)


def _state(
    policy: Policy, count: int, second: int, reset_at: int, *, counted: bool = True
) -> RateState:
    """`count` requests so far in the window, including this one when `counted`."""
    limit = policy.limit
    return RateState(
        limit,
        limit - count if count < limit else 0,
        reset_at,
        reset_at - second,  # the ceiling of the time left, since reset_at is a whole second
        count <= limit if counted else count < limit,
    )


def window_end(second: int, policy: Policy) -> int:
    """The end of the window `second` falls in: windows start at multiples of their length."""
    return second - second % policy.window + policy.window


class Limiter(Protocol):
    async def hit(self, key: str, policy: Policy) -> RateState:
        """Count one request of `key` and say whether it is within the policy."""
        ...

    async def peek(self, key: str, policy: Policy) -> RateState:
        """The state of `key` without counting anything."""
        ...

    async def aclose(self) -> None: ...


class MemoryLimiter:
    """Counters in this process's memory.

    Counters of ended windows are dropped at most once a second, and at most `max_keys` are
    kept: past that, the oldest windows are forgotten (their callers start afresh), so a flood of
    distinct addresses cannot exhaust memory.
    """

    def __init__(self, *, clock: Clock = time.time, max_keys: int = 100_000) -> None:
        self.clock = clock
        self.max_keys = max_keys
        # key -> [window end, count]; insertion order is the order windows began in.
        self._counters: dict[str, list[int]] = {}
        self._next_sweep = 0

    async def hit(self, key: str, policy: Policy) -> RateState:
        second = int(self.clock())
        if second >= self._next_sweep:
            self._sweep(second)
        reset_at = window_end(second, policy)
        entry = self._counters.get(key)
        if entry is not None and entry[0] == reset_at:
            entry[1] += 1
            count = entry[1]
        else:
            if entry is not None:
                del self._counters[key]  # re-inserted at the end: its window is the newest
            elif len(self._counters) >= self.max_keys:
                del self._counters[next(iter(self._counters))]
            self._counters[key] = [reset_at, 1]
            count = 1
        return _state(policy, count, second, reset_at)

    async def peek(self, key: str, policy: Policy) -> RateState:
        second = int(self.clock())
        reset_at = window_end(second, policy)
        entry = self._counters.get(key)
        count = entry[1] if entry is not None and entry[0] == reset_at else 0
        return _state(policy, count, second, reset_at, counted=False)

    async def aclose(self) -> None:
        self._counters.clear()

    @property
    def key_count(self) -> int:
        return len(self._counters)

    def _sweep(self, second: int) -> None:
        ended = [key for key, (reset_at, _) in self._counters.items() if reset_at <= second]
        for key in ended:
            del self._counters[key]
        self._next_sweep = second + 1


def expiry_ms(policy: Policy) -> int:
    """A counter lives a little past its window, so clocks a few seconds apart still agree."""
    return (policy.window + 5) * 1000


# INCR and the expiry in one step: a counter never outlives its window (plus slack), even if the
# process dies between the two, and a key that somehow lost its expiry gets one back.
_HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 or redis.call('PTTL', KEYS[1]) < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return count
"""


class RedisLimiter:
    """Counters in Redis, shared by every process: keys `maitred:rl:<window>:<start>:<key>`.

    If Redis does not answer, requests are allowed (fail open: a rate limiter must not take the
    API down with it), a warning is logged at most once a minute, and Redis is not asked again
    for `retry_seconds`, so an outage costs one timeout per interval rather than per request.
    """

    def __init__(
        self,
        client: Redis,
        *,
        prefix: str = "maitred:rl:",
        clock: Clock = time.time,
        retry_seconds: float = 2.0,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.clock = clock
        self.retry_seconds = retry_seconds
        self._script = client.register_script(_HIT_SCRIPT)
        self._down_until = 0.0
        self._next_warning = 0.0

    @classmethod
    def from_url(
        cls, url: str, *, prefix: str = "maitred:rl:", clock: Clock = time.time
    ) -> RedisLimiter:
        client = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        return cls(client, prefix=prefix, clock=clock)

    async def hit(self, key: str, policy: Policy) -> RateState:
        now = self.clock()
        second = int(now)
        reset_at = window_end(second, policy)
        count = 0  # failing open: as if this were the window's first request
        if now >= self._down_until:
            redis_key = self._key(key, policy, reset_at)
            try:
                count = int(await self._script(keys=[redis_key], args=[expiry_ms(policy)]))
            except (RedisError, OSError) as exc:
                self._failed(now, exc)
        return _state(policy, max(count, 1), second, reset_at)

    async def peek(self, key: str, policy: Policy) -> RateState:
        now = self.clock()
        second = int(now)
        reset_at = window_end(second, policy)
        count = 0
        if now >= self._down_until:
            try:
                count = int(await self.client.get(self._key(key, policy, reset_at)) or 0)
            except (RedisError, OSError) as exc:
                self._failed(now, exc)
        return _state(policy, count, second, reset_at, counted=False)

    def _key(self, key: str, policy: Policy, reset_at: int) -> str:
        return f"{self.prefix}{policy.window}:{reset_at - policy.window}:{key}"

    async def aclose(self) -> None:
        await self.client.aclose()

    def _failed(self, now: float, exc: Exception) -> None:
        self._down_until = now + self.retry_seconds
        if now >= self._next_warning:
            self._next_warning = now + 60.0
            log.warning(
                "rate limits not enforced: Redis unavailable (%s: %s)", type(exc).__name__, exc
            )


def policies_from_settings(settings: Settings) -> dict[str, Policy]:
    """Every tier's policy, or ConfigError naming the first malformed variable."""
    policies = {}
    for tier in TIERS:
        try:
            policies[tier] = Policy.parse(getattr(settings, f"rate_limit_{tier}"))
        except ValueError as exc:
            raise ConfigError(
                f"configuration error: MAITRED_RATE_LIMIT_{tier.upper()}: {exc}"
            ) from None
    return policies


def limiter_from_settings(settings: Settings) -> Limiter:
    """Redis when `MAITRED_REDIS_URL` is set (every process shares one quota), else memory."""
    if not settings.redis_url:
        return MemoryLimiter()
    try:
        return RedisLimiter.from_url(settings.redis_url)
    except ValueError as exc:
        raise ConfigError(f"configuration error: MAITRED_REDIS_URL: {exc}") from None
