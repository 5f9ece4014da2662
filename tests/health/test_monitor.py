"""The /health snapshot: cached, and refreshed in the background so no request waits for it."""

from __future__ import annotations

import asyncio

from maitred.health.service import HealthMonitor
from maitred.kit.db import Database


async def test_fresh_snapshot_is_reused(database: Database) -> None:
    monitor = HealthMonitor(database=database, redis_url="", max_age=60)
    first = await monitor.snapshot()
    assert first.database.connected
    assert await monitor.snapshot() is first


async def test_stale_snapshot_is_served_while_one_refresh_runs(database: Database) -> None:
    monitor = HealthMonitor(database=database, redis_url="", max_age=0.01)
    first = await monitor.snapshot()
    await asyncio.sleep(0.02)

    during = await asyncio.gather(*(monitor.snapshot() for _ in range(20)))
    refresh = monitor._refreshing
    assert refresh is not None
    assert all(s is first for s in during)  # nobody waited for the probes

    refreshed = await refresh
    assert refreshed is not first
    assert refreshed.taken > first.taken
    assert monitor._refreshing is None


async def test_zero_max_age_probes_on_every_call(database: Database) -> None:
    monitor = HealthMonitor(database=database, redis_url="", max_age=0)
    first = await monitor.snapshot()
    second = await monitor.snapshot()
    assert second is not first


async def test_a_pool_held_by_load_is_not_a_database_down(database: Database) -> None:
    """Under load every pooled connection is in use; /health must still say the database
    answers (a load balancer would otherwise take a busy server out of rotation)."""
    held = []
    try:
        while True:
            try:
                held.append(await asyncio.wait_for(database.engine.connect(), 0.3))
            except TimeoutError:
                break  # the pool has nothing left to give
        assert held

        monitor = HealthMonitor(database=database, redis_url="", max_age=0)
        snapshot = await monitor.snapshot()
    finally:
        for connection in held:
            await connection.close()
    assert snapshot.database.connected, snapshot.database.error
    assert snapshot.database.migration
