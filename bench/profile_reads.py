"""The read hot paths in process: CPU time and statements per request, and where the time goes.

    .venv/bin/python bench/profile_reads.py                  # seeds 10,000 bookings; 300 GETs a row
    .venv/bin/python bench/profile_reads.py --profile availability  # + cProfile of that row
    .venv/bin/python bench/profile_reads.py --workdir /tmp/book     # reuses the seeded file there
    .venv/bin/python bench/profile_reads.py --cold 40 --database-url postgresql://…  # start-up tail
    .venv/bin/python bench/profile_reads.py --workdir /tmp/book --no-fast-routes  # FastAPI's only

No HTTP server and no load: the app runs in this process behind httpx's ASGI transport, one
request at a time, so the figures are the app's own CPU per request (middleware, routing,
authentication, the endpoint, the response), comparable between commits on one machine. The
statements counted are everything the request sent to the database: the session's (SQLAlchemy's
`before_cursor_execute`) and the read pool's (kit/reads.py).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import book_seed
import gc_pauses
import httpx
import servers
from sqlalchemy import event

ROWS = (
    "availability",
    "availability-full",
    "public-availability",
    "booking",
    "booking-ref",
    "list",
    "list-filtered",
    "list-month",
    "list-search",
)


def add_seed_arguments(parser: argparse.ArgumentParser) -> None:
    """How many requests, on which seeded data (shared with bench/profile_book.py)."""
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--bookings", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=5_000)
    parser.add_argument("--workdir", type=Path, help="seeded once, reused by later runs")
    parser.add_argument("--database-url", help="postgresql://… (default: SQLite in --workdir)")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_seed_arguments(parser)
    parser.add_argument("--profile", choices=ROWS, action="append", default=[])
    parser.add_argument("--only", choices=ROWS, action="append", default=[])
    parser.add_argument(
        "--pyinstrument", action="store_true", help="profile with pyinstrument (if installed)"
    )
    parser.add_argument(
        "--cold",
        type=int,
        metavar="N",
        help="instead: bench/book.py's list row right after start-up, N requests each from "
        "--clients concurrent clients, the first ones' wall time against the later ones'",
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument(
        "--no-fast-routes",
        action="store_true",
        help="every request through its FastAPI route (kit/fast_routes.py's turned away): "
        "the same build's figures before its plain-ASGI routes",
    )
    return parser.parse_args(argv)


@contextmanager
def counting(database: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def on_execute(*args: Any) -> None:
        seen.append(args[2])

    event.listen(database.engine.sync_engine, "before_cursor_execute", on_execute)
    database.reads.listeners.append(seen.append)
    try:
        yield seen
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", on_execute)
        database.reads.listeners.remove(seen.append)


def prepare(workdir: Path, args: argparse.Namespace) -> dict[str, str]:
    marker = workdir / "profile-org.txt"
    database_url = args.database_url or f"sqlite:///{workdir / 'maitred.db'}"
    if marker.exists():
        return dict(os.environ, **dict(line.split("=", 1) for line in marker.read_text().split()))
    env = servers.maitred_env(workdir, database_url, servers.new_secret_key())
    organization = servers.create_organization(workdir, env)
    book_seed.run_seed(env, organization.id, bookings=args.bookings, customers=args.customers)
    saved = {k: v for k, v in env.items() if k.startswith("MAITRED_")}
    saved["BENCH_ORG_SLUG"] = organization.slug
    marker.write_text("\n".join(f"{k}={v}" for k, v in saved.items()))
    return dict(os.environ, **saved)


async def measure(args: argparse.Namespace, env: dict[str, str]) -> None:
    os.environ.update({k: v for k, v in env.items() if k.startswith("MAITRED_")})
    os.environ["MAITRED_EMBEDDED_WORKER"] = "false"
    from asgi_lifespan import LifespanManager

    from maitred.app import create_app
    from maitred.config import load_settings

    settings = load_settings()
    app = create_app(settings)
    database = app.state.database
    if args.no_fast_routes:
        from maitred.kit.fast_routes import FastRoute

        for route in app.router.routes:
            if isinstance(route, FastRoute):
                route.path_matches = lambda path: False  # type: ignore[method-assign]
    slug = env["BENCH_ORG_SLUG"]
    # Start-up analyzes a freshly seeded PostgreSQL database (kit/db.py): seconds, not 5.
    async with LifespanManager(app, startup_timeout=300):
        # Not manager.app: it hands every request the same `state` dict (uvicorn copies it).
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            login = await client.post(
                "/api/v1/auth/login",
                json={"email": servers.ADMIN_EMAIL, "password": servers.ADMIN_PASSWORD},
            )
            login.raise_for_status()
            bearer = {"Authorization": f"Bearer {login.json()['access_token']}"}
            # A team serves 20 guests: a party of 500 finds every seeded date full.
            changed = await client.patch(
                "/api/v1/settings/availability", json={"max_guests_per_team": 20}, headers=bearer
            )
            changed.raise_for_status()
            today = datetime.now(book_seed.ZONE).date()
            listed = await client.get(
                "/api/v1/bookings",
                params={"status": "confirmed", "date_from": str(today), "limit": 1},
                headers=bearer,
            )
            booking = listed.json()["items"][0]
            if args.cold:
                month = (today + timedelta(days=30), today + timedelta(days=60))
                await _cold(client, bearer, month, args)
                return
            day = today + timedelta(days=45)
            rows = {
                "availability": (f"/api/v1/availability?date={day}&guest_count=20", bearer),
                "availability-full": (_full_day_path(day), bearer),
                "public-availability": (
                    f"/api/v1/public/availability?date={day}&guest_count=20&org={slug}",
                    {},
                ),
                "booking": (f"/api/v1/bookings/{booking['id']}", bearer),
                "booking-ref": (f"/api/v1/bookings/{booking['reference_number']}", bearer),
                "list": ("/api/v1/bookings?limit=20", bearer),
                "list-filtered": (
                    f"/api/v1/bookings?status=pending,confirmed&date_from={today}"
                    "&sort=event_date&order=asc&limit=20",
                    bearer,
                ),
                # bench/book.py's row: confirmed, a month of dates, soonest first.
                "list-month": (
                    f"/api/v1/bookings?status=confirmed&date_from={today + timedelta(days=30)}"
                    f"&date_to={today + timedelta(days=60)}&sort=event_date&order=asc",
                    bearer,
                ),
                "list-search": (
                    f"/api/v1/bookings?search={booking['customer']['name'].split()[0]}&limit=20",
                    bearer,
                ),
            }
            print(
                f"{'row':22} {'CPU µs/request':>15} {'statements':>11} {'Python calls':>13}"
                f" {'gc full/young, worst ms':>24}"
            )
            for name, (path, headers) in rows.items():
                if args.only and name not in args.only:
                    continue
                await _row(client, database, name, path, headers, args)


async def _cold(
    client: httpx.AsyncClient,
    bearer: dict[str, str],
    month: tuple[date, date],
    args: argparse.Namespace,
) -> None:
    """The first requests of a fresh process at --clients concurrent clients (as wrk's first
    second meets it) against later ones: what start-up leaves for the first requests to do
    (connections, statement preparation, planning, missing statistics) shows as their excess."""
    path = (
        f"/api/v1/bookings?status=confirmed&date_from={month[0]}&date_to={month[1]}"
        "&sort=event_date&order=asc"
    )
    timings: list[tuple[float, float]] = []
    # The loop thread's CPU as the requests complete: the first ones' CPU each against the
    # later ones', which unlike wall time hardly moves with the machine's load.
    cpu_at_completion: list[float] = []

    async def one_client() -> None:
        for _ in range(args.cold):
            started = time.perf_counter()
            response = await client.get(path, headers=bearer)
            timings.append((started, time.perf_counter() - started))
            cpu_at_completion.append(time.thread_time())
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code} {response.text}")

    began = time.perf_counter()
    cpu_began = time.thread_time()
    await asyncio.gather(*(one_client() for _ in range(args.clients)))
    elapsed = time.perf_counter() - began
    early = args.clients * 2
    if len(cpu_at_completion) > early:
        first_cpu = (cpu_at_completion[early - 1] - cpu_began) / early
        later_cpu = (cpu_at_completion[-1] - cpu_at_completion[early - 1]) / (
            len(cpu_at_completion) - early
        )
        print(
            f"loop-thread CPU a request: first {early} {first_cpu * 1e6:,.0f} µs,"
            f" later {later_cpu * 1e6:,.0f} µs (client included)"
        )
    timings.sort()
    first = [spent * 1000 for _, spent in timings[: args.clients * 2]]
    later = sorted(spent * 1000 for _, spent in timings[args.clients * 2 :])
    print(f"{len(timings)} requests at {args.clients} clients: {len(timings) / elapsed:,.0f}/s")
    print(f"  first {len(first)}: mean {sum(first) / len(first):.1f} ms, max {max(first):.1f}")
    if later:
        p50, p99 = later[len(later) // 2], later[min(len(later) - 1, int(len(later) * 0.99))]
        print(f"  later {len(later)}: p50 {p50:.1f} ms, p99 {p99:.1f}, max {later[-1]:.1f}")


def _full_day_path(day: date) -> str:
    """25 teams for a party of 500, more than any seeded date has free: the date is
    unavailable, and the fortnight of alternatives is read (and found full) too."""
    return f"/api/v1/availability?date={day}&guest_count=500"


async def _row(
    client: httpx.AsyncClient,
    database: Any,
    name: str,
    path: str,
    headers: dict[str, str],
    args: argparse.Namespace,
) -> None:
    for _ in range(30):  # warm-up: caches, compiled statements, FastAPI's first-request work
        response = await client.get(path, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {response.text}")
    with counting(database) as seen:
        await client.get(path, headers=headers)
    # Python calls per request (client side included): a figure that, unlike CPU time, does not
    # move with the machine's load, so small changes show between two runs on a busy machine.
    calls = cProfile.Profile()
    calls.enable()
    for _ in range(20):
        await client.get(path, headers=headers)
    calls.disable()
    counted: dict[Any, tuple[Any, ...]] = pstats.Stats(calls).stats  # type: ignore[attr-defined]
    python_calls = sum(entry[1] for entry in counted.values()) / 20
    profiler: Any = None
    if name in args.profile:
        if args.pyinstrument:
            import pyinstrument

            profiler = pyinstrument.Profiler(interval=0.0002, async_mode="enabled")
            profiler.start()
        else:
            profiler = cProfile.Profile()
            profiler.enable()
    pauses = gc_pauses.GcPauses()
    started = time.process_time()
    for _ in range(args.requests):
        await client.get(path, headers=headers)
    spent = (time.process_time() - started) / args.requests
    if profiler is not None and args.pyinstrument:
        profiler.stop()
    elif profiler is not None:
        profiler.disable()
    pauses.close()
    print(
        f"{name:22} {spent * 1e6:15,.0f} {len(seen):11} {python_calls:13,.0f}"
        f" {pauses.full:>9}/{pauses.young:<5} {pauses.worst:>8.1f}",
        flush=True,
    )
    if profiler is not None and args.pyinstrument:
        every_frame = bool(os.environ.get("PROFILE_ALL"))  # FastAPI's and Starlette's too
        print(profiler.output_text(unicode=False, color=False, show_all=every_frame))
    elif profiler is not None:
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        env = prepare(args.workdir, args)
        asyncio.run(measure(args, env))
        return 0
    with tempfile.TemporaryDirectory(prefix="maitred-profile-") as workdir:
        env = prepare(Path(workdir), args)
        asyncio.run(measure(args, env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
