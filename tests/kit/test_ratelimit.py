"""Rate limit policies and counters (kit/ratelimit.py): parsing, moving windows, memory and Redis.

The `limits` library reads `time.time()`; `FakeClock.install` points it (and kit/ratelimit) at a
clock the test moves, so windows are crossed without sleeping.
"""

from __future__ import annotations

import os
import time
import types
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis.asyncio import Redis

from maitred.kit.ratelimit import (
    Limiter,
    MemoryLimiter,
    Policy,
    RateState,
    RedisLimiter,
    policies_from_settings,
)
from tests.conftest import make_settings

WINDOW_START = 1_729_999_980  # a multiple of 60: a minute window begins here
REDIS_URL = os.environ.get("MAITRED_TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="MAITRED_TEST_REDIS_URL is not set")


# Every module that reads the time for the limiter.
CLOCKED_MODULES = (
    "maitred.kit.ratelimit",
    "limits.aio.storage.memory",
    "limits.aio.storage.redis.redispy",
    "limits.aio.strategies",
)


@dataclass
class FakeClock:
    """Moves only when told to, but a microsecond on each reading, like a real clock: what
    happened after a request is never at the very moment of it."""

    now: float = WINDOW_START + 30.0
    readings: int = 0

    def __call__(self) -> float:
        self.readings += 1
        return self.now + self.readings * 1e-6

    def install(self, monkeypatch: pytest.MonkeyPatch) -> FakeClock:
        fake_time = types.SimpleNamespace(time=self, monotonic=time.monotonic, sleep=time.sleep)
        for module in CLOCKED_MODULES:
            monkeypatch.setattr(f"{module}.time", fake_time)
        return self


async def delete_keys(prefix: str) -> None:
    client: Redis = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=f"*{prefix}*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix no other run uses; its keys are deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex}:"
    yield prefix
    if REDIS_URL:
        await delete_keys(prefix)


# Settings


@pytest.mark.parametrize(
    ("text", "policy"),
    [
        ("5/minute", Policy(5, 60)),
        ("1/second", Policy(1, 1)),
        (" 100 / Hour ", Policy(100, 3600)),
        ("2000/day", Policy(2000, 86400)),
    ],
)
def test_rates_parse(text: str, policy: Policy) -> None:
    assert Policy.parse(text) == policy


@pytest.mark.parametrize("text", ["", "5", "5/min", "five/minute", "0/minute", "-1/minute"])
def test_malformed_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a rate"):
        Policy.parse(text)


def test_policies_come_from_the_tier_settings(data_dir: Path, database_url: str) -> None:
    settings = make_settings(data_dir, database_url)

    assert policies_from_settings(settings) == {
        "login": Policy(5, 60),
        "public": Policy(20, 60),
        "authenticated": Policy(60, 60),
        "admin": Policy(120, 60),
        "ai": Policy(10, 60),
    }


# Limiters


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    return FakeClock().install(monkeypatch)


@pytest.fixture(params=["memory", "redis"])
async def limiter(request: pytest.FixtureRequest, redis_prefix: str) -> AsyncIterator[Limiter]:
    if request.param == "redis" and not REDIS_URL:
        pytest.skip("MAITRED_TEST_REDIS_URL is not set")
    made: Limiter = (
        MemoryLimiter()
        if request.param == "memory"
        else RedisLimiter(REDIS_URL, prefix=redis_prefix)
    )
    yield made
    await made.aclose()


async def test_no_span_of_a_window_lets_more_than_the_limit_through(
    limiter: Limiter, clock: FakeClock
) -> None:
    """The fixed windows this replaced allowed 2 x limit across a boundary: 3 at :59, 3 at :00."""
    policy = Policy(3, 60)
    clock.now = WINDOW_START + 59.0
    before = [(await limiter.hit("k", policy)).allowed for _ in range(3)]
    clock.now = WINDOW_START + 60.0
    across = [(await limiter.hit("k", policy)).allowed for _ in range(3)]
    clock.now = WINDOW_START + 118.5
    still = await limiter.hit("k", policy)
    clock.now = WINDOW_START + 119.5
    later = await limiter.hit("k", policy)

    assert before == [True, True, True]
    assert across == [False, False, False]
    assert still.allowed is False
    assert later.allowed is True


async def test_retry_after_is_the_exact_wait(limiter: Limiter, clock: FakeClock) -> None:
    policy = Policy(2, 60)
    clock.now = WINDOW_START + 10.0
    await limiter.hit("k", policy)
    clock.now = WINDOW_START + 25.0
    await limiter.hit("k", policy)
    clock.now = WINDOW_START + 40.5
    refused = await limiter.hit("k", policy)
    clock.now += refused.retry_after - 1  # a second early: still refused
    early = await limiter.hit("k", policy)
    clock.now = WINDOW_START + 40.5 + refused.retry_after
    on_time = await limiter.hit("k", policy)

    # The first request (at +10) leaves the window at +70: 29.5 s after +40.5, so 30 s.
    assert refused == RateState(2, 0, WINDOW_START + 71, 30, allowed=False)
    assert early.allowed is False
    assert early.retry_after == 1
    assert on_time.allowed is True
    assert on_time.remaining == 0  # the request at +25 is still in the window


async def test_refused_requests_do_not_count(limiter: Limiter, clock: FakeClock) -> None:
    policy = Policy(1, 60)
    first = await limiter.hit("k", policy)
    refused = [await limiter.hit("k", policy) for _ in range(5)]
    clock.now += 60.5
    after = await limiter.hit("k", policy)

    assert first.allowed is True
    assert [r.allowed for r in refused] == [False] * 5
    assert after.allowed is True


async def test_peek_reports_without_counting(limiter: Limiter, clock: FakeClock) -> None:
    policy = Policy(2, 60)
    clock.now = WINDOW_START + 10.0
    await limiter.hit("k", policy)
    first = await limiter.peek("k", policy)
    await limiter.hit("k", policy)
    exhausted = await limiter.peek("k", policy)
    untouched = await limiter.peek("other", policy)

    assert first == RateState(2, 1, WINDOW_START + 71, 60, allowed=True)
    assert exhausted == RateState(2, 0, WINDOW_START + 71, 60, allowed=False)
    assert untouched == RateState(2, 2, WINDOW_START + 71, 60, allowed=True)


async def test_memory_limiter_forgets_ended_windows(clock: FakeClock) -> None:
    clock.now = WINDOW_START + 1.0
    limiter = MemoryLimiter()
    for n in range(50):
        await limiter.hit(f"public:ip:192.0.2.{n}", Policy(20, 60))

    clock.now = WINDOW_START + 62.0
    state = await limiter.hit("public:ip:192.0.2.200", Policy(20, 60))

    assert limiter.key_count == 1
    assert len(limiter.memory.events) == 1
    assert state == RateState(
        limit=20, remaining=19, reset_at=WINDOW_START + 123, retry_after=60, allowed=True
    )


async def test_memory_limiter_keeps_at_most_max_keys(clock: FakeClock) -> None:
    limiter = MemoryLimiter(max_keys=3)
    for n in range(5):
        await limiter.hit(f"public:ip:192.0.2.{n}", Policy(20, 60))

    assert limiter.key_count == 3
    assert (await limiter.peek("public:ip:192.0.2.4", Policy(20, 60))).remaining == 19
    assert (await limiter.peek("public:ip:192.0.2.0", Policy(20, 60))).remaining == 20


@needs_redis
async def test_redis_keys_expire_after_their_window(redis_prefix: str, clock: FakeClock) -> None:
    limiter = RedisLimiter(REDIS_URL, prefix=redis_prefix)
    client: Redis = Redis.from_url(REDIS_URL)
    try:
        states = [await limiter.hit("public:ip:192.0.2.1", Policy(2, 60)) for _ in range(3)]
        keys = [key async for key in client.scan_iter(match=f"*{redis_prefix}*")]
        ttl = await client.ttl(keys[0])
    finally:
        await client.aclose()
        await limiter.aclose()

    assert [(s.remaining, s.allowed) for s in states] == [(1, True), (0, True), (0, False)]
    assert len(keys) == 1
    assert keys[0].startswith(b"maitred:rl:")
    assert 55 < ttl <= 60


async def test_unreachable_redis_fails_open(clock: FakeClock) -> None:
    limiter = RedisLimiter("redis://127.0.0.1:1/0")
    try:
        states = [await limiter.hit("k", Policy(1, 60)) for _ in range(3)]
    finally:
        await limiter.aclose()

    assert [s.allowed for s in states] == [True, True, True]
