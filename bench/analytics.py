"""The dashboards at a million bookings: every analytics endpoint for a year's range.

    .venv/bin/python bench/analytics.py --database-url postgresql://…   # 1,000,000 bookings
    .venv/bin/python bench/analytics.py                                 # SQLite: 100,000
    .venv/bin/python bench/analytics.py --seed-only DIR [--database-url …]  # seed, keep, stop
    .venv/bin/python bench/analytics.py --reuse DIR                     # measure a kept seed

Seeds the bookings and customers of bench/book_seed.py (85 % over the past two years, 15 % in
the next one), a deposit for every booking that got one, the balance of every completed one,
refunds of a third of the cancelled deposits and one lead per ten bookings
(bench/analytics_seed.py); then, at 4 connections, each of `/api/v1/analytics/bookings`,
`/revenue`, `/customers`, `/funnel` and `/api/v1/admin/analytics` for the year up to today,
with its p99 (goal: under 300 ms).
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import analytics_seed
import book
import book_seed
import hostinfo
import loadgen
import servers
from loadgen import LoadError
from servers import Server, ServerError

P99_GOAL_MS = 300.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--quick", action="store_true", help="3 s per row after 1 s of warm-up")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1, help="maitred serve --workers N")
    parser.add_argument(
        "--bookings", type=int, help="default: 1,000,000 on PostgreSQL, else 100,000"
    )
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--database-url", help="postgresql://… (default: a fresh SQLite file)")
    parser.add_argument("--output", type=Path)
    parser.add_argument(
        "--seed-only",
        type=Path,
        metavar="DIR",
        help="seed into DIR (kept, with an env file for bench/analytics_queries.py) and stop",
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        metavar="DIR",
        help="measure the database a --seed-only run kept in DIR (migrated first, not reseeded)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3.0, 1.0
    if args.bookings is None:
        args.bookings = 1_000_000 if args.database_url else 100_000
    return args


def paths(today: Any) -> list[tuple[str, str]]:
    start, end = today - timedelta(days=364), today
    year = f"start_date={start}&end_date={end}"
    return [
        (
            "GET /analytics/bookings (year, by month)",
            f"/api/v1/analytics/bookings?{year}&group_by=month",
        ),
        (
            "GET /analytics/revenue (year, by month)",
            f"/api/v1/analytics/revenue?{year}&group_by=month",
        ),
        ("GET /analytics/customers (year)", f"/api/v1/analytics/customers?{year}"),
        ("GET /analytics/funnel (year)", f"/api/v1/analytics/funnel?{year}"),
        ("GET /admin/analytics (year)", f"/api/v1/admin/analytics?date_from={start}&date_to={end}"),
    ]


def seeded_env(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    database_url = args.database_url or f"sqlite:///{workdir / 'maitred.db'}"
    env = servers.maitred_env(workdir, database_url, servers.new_secret_key())
    organization = servers.create_organization(workdir, env)
    print(f"seeding {args.bookings:,} bookings and {args.customers:,} customers …", flush=True)
    book_seed.run_seed(env, organization.id, bookings=args.bookings, customers=args.customers)
    analytics_seed.run_seed(env, organization.id, leads=args.bookings // 10)
    return env


VACUUM = """
import asyncio
from maitred.analytics import rollups
from maitred.config import Settings

async def main():
    database = Settings().database()
    try:
        await rollups.vacuum(database)
    finally:
        await database.dispose()

asyncio.run(main())
"""


def kept_env(workdir: Path) -> dict[str, str]:
    """The environment of a --seed-only run kept in `workdir`, its database migrated to this
    checkout's head (a new rollup's migration fills it from the seeded rows)."""
    kept = dict(
        line.removeprefix("export ").split("=", 1)
        for line in (workdir / "env").read_text().splitlines()
    )
    kept = {k: v.strip("'") for k, v in kept.items()}
    env = servers.maitred_env(workdir, kept["MAITRED_DATABASE_URL"], kept["MAITRED_SECRET_KEY"])
    began = time.perf_counter()
    command = [sys.executable, "-m", "maitred", "migrate"]
    done = subprocess.run(
        command, env=env, cwd=workdir, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise ServerError(f"maitred migrate failed:\n{done.stdout}{done.stderr}")
    # A migration that filled a rollup leaves it unvacuumed: reads not index-only until then.
    done = subprocess.run(
        [sys.executable, "-c", VACUUM], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise ServerError(f"vacuuming the rollups failed:\n{done.stdout}{done.stderr}")
    print(f"reusing {workdir}: migrated in {time.perf_counter() - began:.0f} s", flush=True)
    return env


def benchmark(args: argparse.Namespace, wrk: str, workdir: Path) -> list[list[str]]:
    env = kept_env(workdir) if args.reuse else seeded_env(args, workdir)
    if args.seed_only:
        kept = {k: v for k, v in env.items() if k.startswith("MAITRED_")}
        (workdir / "env").write_text("".join(f"export {k}='{v}'\n" for k, v in kept.items()))
        print(f"seeded; for the in-process timings: . {workdir / 'env'}", flush=True)
        return []
    today = datetime.now(book_seed.ZONE).date()
    started: list[Server] = []
    rows: list[list[str]] = []
    with servers.running(started):
        started.append(servers.start_maitred(workdir, env, args.workers))
        servers.wait_until_ready(started[0], "/health")
        maitred = started[0]
        bearer = {"Authorization": f"Bearer {servers.sign_in(maitred)}"}
        alone: dict[str, float] = {}
        for label, path in paths(today):
            began = time.perf_counter()
            status, body = servers.fetch(maitred.base_url + path, headers=bearer, timeout=120.0)
            alone[label] = (time.perf_counter() - began) * 1000
            if status != 200:
                raise ServerError(f"{path} answered {status}: {body}")
            print(f"  {label}: {alone[label]:.0f} ms alone (the first request)", flush=True)
        print(f"load: wrk -t1 -c{args.connections} -d{args.duration:g}s (after {args.warmup:g} s)")
        for label, path in paths(today):
            m = book.run(wrk, maitred, path, args, headers=bearer)
            verdict = f"p99 {'✓' if m.p99_ms < P99_GOAL_MS else '✗'} < {P99_GOAL_MS:g} ms"
            if not m.requests:  # every request outlived wrk's 2 s timeout
                verdict = f"✗ none within 2 s ({alone[label]:.0f} ms alone)"
            rows.append(book.row(label, m, verdict))
            print("  " + " | ".join(rows[-1]), flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        if args.seed_only:  # no load: wrk is not needed
            args.seed_only.mkdir(parents=True, exist_ok=True)
            benchmark(args, "", args.seed_only.resolve())
            return 0
        wrk = loadgen.ensure_wrk()
        machine = hostinfo.machine_info(wrk, "analytics", args.workers)
        hostinfo.print_machine(machine)
        if args.reuse:
            rows = benchmark(args, wrk, args.reuse.resolve())
        else:
            with tempfile.TemporaryDirectory(prefix="maitred-bench-analytics-") as tmp:
                rows = benchmark(args, wrk, Path(tmp))
    except (LoadError, ServerError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nbench: interrupted; servers stopped", file=sys.stderr)
        return 130
    print()
    print(book.table(rows))
    hostinfo.save_results("analytics", machine, args, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
