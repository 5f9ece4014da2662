"""PostgreSQL's public booking in process: `--concurrency` tasks post public bookings (40 a day
in a row from `--first-day`, as bench/wrk_public_booking.lua) through httpx's ASGI transport for
`--seconds` after a second of warm-up; prints bookings/s, p50 and p99, the process's CPU per
booking, and what this database's active backends were doing, sampled every 0.1 s from
`pg_stat_activity` (wait event and statement head).

    .venv/bin/python bench/profile_pg_post.py postgresql://postgres@127.0.0.1:5433/DB \\
        --first-day 2028-12-15 --concurrency 16
    PYTHONPATH=/work/main/src .venv/bin/python bench/profile_pg_post.py …   # another commit

DB is a database `bench/book.py --database-url` has seeded (its first organization books;
its `horizon_days` bounds the days: give each run days no run has booked). One process and
one event loop, so the figures compare commits on one machine; they are not the service's rate.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import servers

PER_DAY = 40
_ACTIVE = """
SELECT wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 40)
FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND datname = $1
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--first-day", type=date.fromisoformat, required=True)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    return parser.parse_args()


async def sample(url: str, stop: asyncio.Event, seen: Counter[tuple[Any, ...]]) -> None:
    connection = await asyncpg.connect(url)
    try:
        while not stop.is_set():
            for row in await connection.fetch(_ACTIVE, url.rsplit("/", 1)[1]):
                seen[tuple(row)] += 1
            await asyncio.sleep(0.1)
    finally:
        await connection.close()


def form(n: int, tag: str, day: date) -> dict[str, Any]:
    return servers.public_booking_form(
        f"Guest {n}", f"+1916{2_000_000 + n:07d}", f"g{n}-{tag}@bench.example", day.isoformat()
    )


async def measure(args: argparse.Namespace) -> None:
    url = args.database_url
    env = servers.maitred_env(Path(tempfile.mkdtemp()), url, servers.new_secret_key())
    os.environ.update({k: v for k, v in env.items() if k.startswith("MAITRED_")})
    os.environ["MAITRED_EMBEDDED_WORKER"] = "false"
    from asgi_lifespan import LifespanManager

    from maitred.app import create_app
    from maitred.config import load_settings

    connection = await asyncpg.connect(url)
    tenant = str(await connection.fetchval("SELECT id FROM organizations ORDER BY created_at"))
    await connection.close()
    app = create_app(load_settings())
    tag = uuid.uuid4().hex[:6]
    counter = 0
    latencies: list[float] = []
    statuses: Counter[int] = Counter()

    async with LifespanManager(app, startup_timeout=300):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def booking_loop(until: float) -> None:
                nonlocal counter
                while time.perf_counter() < until:
                    counter += 1
                    day = args.first_day + timedelta(days=counter // PER_DAY)
                    started = time.perf_counter()
                    answer = await client.post(
                        "/api/v1/public/bookings",
                        json=form(counter, tag, day),
                        headers={"X-Tenant-ID": tenant},
                    )
                    latencies.append(time.perf_counter() - started)
                    statuses[answer.status_code] += 1

            warm_up = time.perf_counter() + 1.0
            await asyncio.gather(*(booking_loop(warm_up) for _ in range(args.concurrency)))
            latencies.clear()
            statuses.clear()
            stop, seen = asyncio.Event(), Counter[tuple[Any, ...]]()
            sampler = asyncio.create_task(sample(url, stop, seen))
            started, cpu = time.perf_counter(), time.process_time()
            until = started + args.seconds
            await asyncio.gather(*(booking_loop(until) for _ in range(args.concurrency)))
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
            stop.set()
            await sampler
    latencies.sort()

    def ms(share: float) -> float:
        return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

    last = args.first_day + timedelta(days=counter // PER_DAY)
    print(f"days {args.first_day} to {last}; answers {dict(statuses)}")
    print(
        f"{len(latencies) / elapsed:.0f} bookings/s, p50 {ms(0.5):.1f} ms, p99 {ms(0.99):.1f} ms,"
        f" process CPU {cpu / len(latencies) * 1000:.2f} ms a booking"
    )
    print(f"active backends sampled: {sum(seen.values())}")
    for (kind, event, statement), count in seen.most_common(6):
        print(f"  {count:5d}  {kind}:{event}  {statement}")


if __name__ == "__main__":
    asyncio.run(measure(parse_args()))
