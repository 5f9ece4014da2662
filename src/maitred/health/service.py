"""Health probes. `/health` serves a snapshot at most `health_cache_seconds` old, so load
balancers polling it cost one database round trip per interval, not one per request."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from redis.asyncio import Redis
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from maitred import __version__
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.worker_health import HEARTBEAT_SECONDS, WorkerHeartbeat

PROBE_TIMEOUT = 2.0
FeatureCheck = Callable[[], Awaitable[str]]
_feature_checks: dict[str, FeatureCheck] = {}


def register_feature(name: str, check: FeatureCheck) -> None:
    """Domains report their feature (`email_service`, `mfa`, …) as they land."""
    _feature_checks[name] = check


@dataclass
class DatabaseProbe:
    connected: bool
    latency_ms: float | None
    migration: str | None
    error: str | None


async def probe_database(database: Database, *, monitor: bool = False) -> DatabaseProbe:
    """`monitor`: the /health monitor's probe, on its own connection (kit/db.py
    `make_probe_engine`); /health/db's reports what a request meets, the pool's wait included."""
    began = time.perf_counter()
    engine = database.probe_engine if monitor else database.engine
    try:
        async with asyncio.timeout(PROBE_TIMEOUT), engine.connect() as conn:
            # Reading the schema touches the file on SQLite, where `SELECT 1` would not.
            found = await conn.execute(
                text("SELECT name FROM sqlite_master WHERE name = 'alembic_version'")
                if database.is_sqlite
                else text("SELECT to_regclass('alembic_version')::text")
            )
            migration = None
            if found.scalar() is not None:
                migration = (
                    await conn.execute(text("SELECT version_num FROM alembic_version"))
                ).scalar()
    except Exception as exc:
        return DatabaseProbe(False, None, None, f"{type(exc).__name__}: {exc}"[:300])
    return DatabaseProbe(True, round((time.perf_counter() - began) * 1000, 2), migration, None)


async def probe_redis(url: str) -> str:
    if not url:
        return "not_configured"
    client: Redis = Redis.from_url(url, socket_connect_timeout=PROBE_TIMEOUT)
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):
            await client.ping()
    except Exception:
        return "disconnected"
    finally:
        await client.aclose()
    return "connected"


async def live_workers(database: Database, *, monitor: bool = False) -> list[WorkerHeartbeat]:
    fresh = utcnow() - timedelta(seconds=HEARTBEAT_SECONDS * 3)
    reading = AsyncSession(database.probe_engine) if monitor else database.transaction(write=False)
    async with reading as session:
        rows = await session.scalars(
            select(WorkerHeartbeat)
            .where(WorkerHeartbeat.last_seen_at >= fresh)
            .order_by(WorkerHeartbeat.started_at)
        )
        return list(rows.all())


async def features(
    database: Database, *, database_ok: bool, settled: dict[str, str] | None = None
) -> dict[str, str]:
    """`settled`: features the settings decide once (payments), reported as they are."""
    try:
        async with asyncio.timeout(PROBE_TIMEOUT):  # the snapshot's age stays bounded
            live = database_ok and bool(await live_workers(database, monitor=True))
    except TimeoutError:
        live = False
    workers = "running" if live else "stopped"
    found = {"workers": workers, "outbox": "enabled", "idempotency": "enabled", **(settled or {})}
    for name, check in _feature_checks.items():
        try:
            found[name] = await check()
        except Exception:
            found[name] = "error"
    return found


@dataclass
class Snapshot:
    database: DatabaseProbe
    redis: str
    features: dict[str, str]
    taken: float


@dataclass
class HealthMonitor:
    """Per-process cache of the last probes.

    A stale snapshot is served while one background refresh runs (under load, waiting for the
    probes' round trips stalled every request that arrived meanwhile). With `max_age` 0 every
    call probes. A snapshot never outlives `max_age` by more than the probes' own timeout.
    """

    database: Database
    redis_url: str
    max_age: float
    settled: dict[str, str] = field(default_factory=dict)  # features the settings decide
    external_services: dict[str, str] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    _snapshot: Snapshot | None = None
    _refreshing: asyncio.Task[Snapshot] | None = None

    @property
    def uptime_seconds(self) -> int:
        return int(time.monotonic() - self.started)

    async def snapshot(self) -> Snapshot:
        current = self._snapshot
        if current is not None and time.monotonic() - current.taken < self.max_age:
            return current
        if self._refreshing is None:
            self._refreshing = asyncio.get_running_loop().create_task(self._refresh())
        if current is None or self.max_age == 0:
            return await asyncio.shield(self._refreshing)
        return current

    async def _refresh(self) -> Snapshot:
        try:
            db_probe, redis_state = await asyncio.gather(
                probe_database(self.database, monitor=True), probe_redis(self.redis_url)
            )
            found = await features(
                self.database, database_ok=db_probe.connected, settled=self.settled
            )
            self._snapshot = Snapshot(db_probe, redis_state, found, time.monotonic())
            return self._snapshot
        finally:
            self._refreshing = None


VERSION = __version__
