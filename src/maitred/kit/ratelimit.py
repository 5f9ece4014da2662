"""Rate limit counters: tier policies from settings and the limiter that counts hits.

Windows move (the `limits` library's moving window): a request is allowed when fewer than
`limit` requests were allowed in the `window` seconds before it, so no caller ever gets more than
`limit` in any span of `window` seconds (fixed windows let twice the limit through across a
boundary). Refused requests are not counted: hammering does not extend one's own wait. What a
refused caller must wait is exact: until the oldest allowed request of the window leaves it.

`MemoryLimiter` counts in this process (the embedded default; each process of a multi-worker
server then has its own quota, so N processes allow up to N times the limit). `RedisLimiter`
counts in Redis (`MAITRED_REDIS_URL`), so every process on every machine shares one quota; when
Redis cannot be reached it fails open.
"""

from __future__ import annotations

import bisect
import functools
import logging
import math
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.storage.redis.redispy import RedispyBridge
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from redis.asyncio import Redis

from maitred.config import ConfigError, Settings

log = logging.getLogger("maitred.ratelimit")

REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
TIERS = ("login", "public", "authenticated", "admin", "ai")
WINDOW_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"\s*(\d+)\s*/\s*(second|minute|hour|day)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Policy:
    """At most `limit` requests in any `window` seconds."""

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


@functools.lru_cache(maxsize=1024)
def _item(policy: Policy) -> RateLimitItem:
    return RateLimitItemPerSecond(policy.limit, policy.window)


@dataclass(slots=True)  # not frozen: built on every request, and frozen init costs twice as much
class RateState:
    """A caller's standing, after (hit) or without (peek) this request.

    `retry_after` is the whole seconds from now until one more request is allowed (at least 1):
    what a refused caller must wait, never a second more or less; `reset_at` is that moment as
    epoch seconds.
    """

    limit: int
    remaining: int
    reset_at: int
    retry_after: int
    allowed: bool

    @property
    def reset_datetime(self) -> datetime:
        return datetime.fromtimestamp(self.reset_at, UTC)


def _state(policy: Policy, now: float, frees_at: float, remaining: int, allowed: bool) -> RateState:
    """`frees_at`: when the oldest request of the window leaves it. The window still counts a
    request made exactly `window` seconds ago, so the wait ends just after that moment."""
    frees_at = max(frees_at, now)
    reset_at, retry_after = math.floor(frees_at) + 1, math.floor(frees_at - now) + 1
    return RateState(policy.limit, max(0, remaining), reset_at, retry_after, allowed)


class Limiter:
    """Moving windows in a `limits` storage; keys are `prefix` + the caller's key.

    If the storage fails (Redis down), requests are allowed (fail open: a rate limiter must not
    take the API down with it), a warning is logged at most once a minute, and the storage is
    not asked again for `retry_seconds`, so an outage costs one timeout per interval rather than
    per request.
    """

    def __init__(self, storage: Storage, *, prefix: str = "", retry_seconds: float = 2.0) -> None:
        self.storage = storage
        self.strategy = MovingWindowRateLimiter(storage)
        self.prefix = prefix
        self.retry_seconds = retry_seconds
        self._errors: tuple[type[BaseException], ...] = (StorageError, OSError, TimeoutError)
        base = storage.base_exceptions
        self._errors += base if isinstance(base, tuple) else (base,)
        self._down_until = 0.0
        self._next_warning = 0.0

    async def hit(self, key: str, policy: Policy) -> RateState:
        """Count one request of `key`, if the policy allows it, and say whether it did."""
        return await self._ask(key, policy, count=True)

    async def peek(self, key: str, policy: Policy) -> RateState:
        """The state of `key` without counting anything."""
        return await self._ask(key, policy, count=False)

    async def _ask(self, key: str, policy: Policy, *, count: bool) -> RateState:
        started = time.time()
        if started < self._down_until:
            return _state(policy, started, started + policy.window, policy.limit - 1, True)
        item = _item(policy)
        identifier = self.prefix + key
        try:
            allowed = await self.strategy.hit(item, identifier) if count else True
            stats = await self.strategy.get_window_stats(item, identifier)
        except self._errors as exc:
            self._failed(started, exc)
            return _state(policy, started, started + policy.window, policy.limit - 1, True)
        if not count:
            allowed = stats.remaining > 0
        # The time after the storage answered: never before the request it just counted.
        return _state(policy, time.time(), stats.reset_time, stats.remaining, allowed)

    async def aclose(self) -> None:
        """Lets go of the storage (its connections); what it counted stays where it is."""

    def _failed(self, now: float, exc: BaseException) -> None:
        self._down_until = now + self.retry_seconds
        if now >= self._next_warning:
            self._next_warning = now + 60.0
            log.warning(
                "rate limits not enforced: Redis unavailable (%s: %s)", type(exc).__name__, exc
            )


class SweptMemoryStorage(MemoryStorage):
    """The library's memory storage with a cheaper sweep of ended windows.

    The library starts a sweep of every key after each hit and moves each key's bisection to a
    thread: measured with requests interleaved on one event loop and 50,000 keys held, a hit cost
    154 µs. Here the sweep runs in line at most once a second (79 µs a hit), and at most
    `max_keys` keys are kept: past that, the longest-known are forgotten (their callers start
    afresh), so a flood of distinct addresses cannot exhaust memory. It overrides the library's
    private hook by its mangled name; should the library rename it, its own sweep takes over.
    """

    def __init__(self, *, max_keys: int = 100_000) -> None:
        super().__init__()
        self.max_keys = max_keys
        self._next_sweep = 0.0

    async def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.time()
        if now >= self._next_sweep or now < self._next_sweep - 1.0:  # or the clock went back
            self._next_sweep = now + 1.0
            self.sweep(now)
        while len(self.events) >= self.max_keys:  # a hit may add one more
            self.clear_key(next(iter(self.events)))

    def sweep(self, now: float) -> None:
        """Drops entries that left their window, and keys left with none (newest first). An
        entry exactly `window` old still counts, as the library's own check has it."""
        for key, events in list(self.events.items()):
            if not events or events[0].expiry < now:
                self.clear_key(key)
            elif events[-1].expiry < now:
                del events[bisect.bisect_right(events, -now, key=lambda e: -e.expiry) :]

    def clear_key(self, key: str) -> None:
        self.events.pop(key, None)
        self.locks.pop(key, None)


class MemoryLimiter(Limiter):
    """Counters in this process's memory."""

    def __init__(self, *, prefix: str = "", max_keys: int = 100_000) -> None:
        self.memory = SweptMemoryStorage(max_keys=max_keys)
        super().__init__(self.memory, prefix=prefix)

    async def aclose(self) -> None:
        await self.memory.reset()

    @property
    def key_count(self) -> int:
        """Keys with a request still in its window."""
        now = time.time()
        return sum(1 for events in self.memory.events.values() if events[0].expiry >= now)


class RedisLimiter(Limiter):
    """Counters in Redis, shared by every process (keys under `maitred:rl:`)."""

    def __init__(self, url: str, *, prefix: str = "") -> None:
        storage = RedisStorage(
            "async+" + url.replace("unix://", "redis+unix://", 1),
            implementation="redispy",
            key_prefix="maitred:rl",
            socket_timeout=0.5,
            socket_connect_timeout=0.5,
        )
        super().__init__(storage, prefix=prefix)

    async def aclose(self) -> None:
        storage = self.storage
        assert isinstance(storage, RedisStorage)
        bridge = storage.bridge
        assert isinstance(bridge, RedispyBridge)
        client = bridge.get_connection()
        assert isinstance(client, Redis)
        await client.aclose()


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
        if not settings.redis_url.startswith(REDIS_SCHEMES):  # `limits` would try Valkey
            raise ValueError(
                "Redis URL must specify one of the following schemes (redis://, rediss://, unix://)"
            )
        return RedisLimiter(settings.redis_url)
    except ValueError as exc:
        raise ConfigError(f"configuration error: MAITRED_REDIS_URL: {exc}") from None
