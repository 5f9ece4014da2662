"""Rate limit policies and counters (kit/ratelimit.py): parsing, windows, memory and Redis."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis.asyncio import Redis

from maitred.kit.ratelimit import (
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


@dataclass
class FakeClock:
    now: float = WINDOW_START + 30.0

    def __call__(self) -> float:
        return self.now


async def delete_keys(prefix: str) -> None:
    client: Redis = Redis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=prefix + "*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix no other run uses; its keys are deleted afterwards."""
    prefix = f"maitred:rl:test-{uuid.uuid4().hex}:"
    yield prefix
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


async def test_memory_limiter_forgets_ended_windows() -> None:
    clock = FakeClock(WINDOW_START + 1.0)
    limiter = MemoryLimiter(clock=clock)
    for n in range(50):
        await limiter.hit(f"public:ip:192.0.2.{n}", Policy(20, 60))

    clock.now = WINDOW_START + 60.0
    state = await limiter.hit("public:ip:192.0.2.200", Policy(20, 60))

    assert limiter.key_count == 1
    assert state == RateState(
        limit=20, remaining=19, reset_at=WINDOW_START + 120, retry_after=60, allowed=True
    )


async def test_memory_limiter_keeps_at_most_max_keys() -> None:
    limiter = MemoryLimiter(clock=FakeClock(), max_keys=3)
    for n in range(5):
        await limiter.hit(f"public:ip:192.0.2.{n}", Policy(20, 60))

    assert limiter.key_count == 3
    assert (await limiter.peek("public:ip:192.0.2.4", Policy(20, 60))).remaining == 19
    assert (await limiter.peek("public:ip:192.0.2.0", Policy(20, 60))).remaining == 20


async def test_peek_reports_without_counting() -> None:
    limiter = MemoryLimiter(clock=FakeClock(WINDOW_START + 10.0))
    policy = Policy(2, 60)
    await limiter.hit("k", policy)
    first = await limiter.peek("k", policy)
    await limiter.hit("k", policy)
    exhausted = await limiter.peek("k", policy)

    assert first == RateState(2, 1, WINDOW_START + 60, 50, allowed=True)
    assert exhausted == RateState(2, 0, WINDOW_START + 60, 50, allowed=False)


@needs_redis
async def test_redis_counters_expire_after_their_window(redis_prefix: str) -> None:
    clock = FakeClock(WINDOW_START + 20.0)
    limiter = RedisLimiter.from_url(REDIS_URL, prefix=redis_prefix, clock=clock)
    try:
        states = [await limiter.hit("public:ip:192.0.2.1", Policy(2, 60)) for _ in range(3)]
        peeked = await limiter.peek("public:ip:192.0.2.1", Policy(2, 60))
        ttl = await limiter.client.pttl(f"{redis_prefix}60:{WINDOW_START}:public:ip:192.0.2.1")
    finally:
        await limiter.aclose()

    assert [(s.remaining, s.allowed) for s in states] == [(1, True), (0, True), (0, False)]
    assert peeked == RateState(2, 0, WINDOW_START + 60, 40, allowed=False)
    assert 60_000 < ttl <= 65_000
