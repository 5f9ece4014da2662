"""The year's booking day rows two ways, in process: folded from every booking
(`BookingFigures.by_day`) and read from the rollup (`rollups.day_rows`, what the figures read),
on a database seeded by `bench/analytics.py --seed-only DIR` (or left behind by a run).

    .venv/bin/python bench/analytics.py --seed-only /tmp/a [--database-url postgresql://…]
    . /tmp/a/env && .venv/bin/maitred migrate && .venv/bin/python bench/analytics_queries.py

With `--rebuild`, rebuilds the rollups of the organization with the most bookings first
(timed). Checks that both give the same rows, then times each read (median and worst of
`--runs`); then each dashboard answer for the year as its endpoint computes it (no HTTP), one
at a time, with the CPU time this process spent on it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import uuid
from dataclasses import astuple
from datetime import date, timedelta

from sqlalchemy import func, select

from maitred.analytics import cash_days, funnel, rollups, service
from maitred.analytics.periods import GroupBy
from maitred.bookings.figures_repository import BookingFigures
from maitred.bookings.models import Booking
from maitred.config import Settings
from maitred.domains import import_models
from maitred.kit import crypto
from maitred.kit.clock import utcnow
from maitred.kit.db import Database


async def main(runs: int, rebuild: bool) -> None:
    import_models()
    settings = Settings()
    crypto.configure(crypto.Keyring.from_settings(settings))  # customers' names are decrypted
    database = settings.database()
    try:
        async with database.transaction(write=False) as session:
            org, bookings = (
                await session.execute(
                    select(Booking.organization_id, func.count())
                    .group_by(Booking.organization_id)
                    .order_by(func.count().desc())
                    .limit(1)
                )
            ).one()
        print(f"{bookings:,} bookings")
        if rebuild:
            started = time.perf_counter()
            async with database.transaction() as session:
                days = await rollups.rebuild(session, org)
                cash = await cash_days.rebuild(session, org)
            await rollups.vacuum(database)
            spent = time.perf_counter() - started
            print(f"rollups rebuilt: {days:,} booking days, {cash:,} cash days in {spent:.1f} s")
        end = utcnow().date()
        start = end - timedelta(days=364)
        timings: dict[str, list[float]] = {"full": [], "rollup": []}
        answers = {}
        for _ in range(runs):
            for name in ("full", "rollup"):
                began = time.perf_counter()
                async with database.transaction(write=False) as session:
                    if name == "full":
                        rows = await BookingFigures(session, org).by_day(start, end)
                    else:
                        rows = await rollups.day_rows(session, org, start, end)
                timings[name].append((time.perf_counter() - began) * 1000)
                answers[name] = sorted(rows, key=astuple)
        assert answers["full"] == answers["rollup"], "the rollup differs from the bookings"
        for name, spent in timings.items():
            print(
                f"{name:6} a year's day rows ({len(answers[name]):,}): median "
                f"{statistics.median(spent):.1f} ms, worst {max(spent):.1f} ms over {runs} runs"
            )
        await _figures(database, org, start, end, runs)
    finally:
        await database.dispose()


async def _figures(database: Database, org: uuid.UUID, start: date, end: date, runs: int) -> None:
    """Each dashboard answer for the year, as the endpoints compute it, one at a time."""
    month = GroupBy.month
    answers = {
        "bookings": lambda s: service.bookings_report(s, org, start=start, end=end, group_by=month),
        "revenue": lambda s: service.revenue_report(s, org, start=start, end=end, group_by=month),
        "customers": lambda s: service.customers_report(s, org, start=start, end=end),
        "funnel": lambda s: funnel.funnel_report(s, org, start=start, end=end),
        "admin": lambda s: service.dashboard(s, org, start=start, end=end),
    }
    for name, answer in answers.items():
        spent, cpu = [], []
        try:
            for _ in range(runs):
                began, began_cpu = time.perf_counter(), time.process_time()
                async with database.transaction(write=False) as session:
                    await answer(session)
                spent.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - began_cpu) * 1000)
        except RuntimeError as exc:  # customers' names need the run's (random) secret key
            print(f"{name:9} not measured: {exc}"[:120])
            continue
        print(
            f"{name:9} for a year, one at a time: median {statistics.median(spent):.0f} ms, "
            f"worst {max(spent):.0f} ms over {runs} runs (this process's CPU: median "
            f"{statistics.median(cpu):.0f} ms)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the rollups first (timed)")
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.rebuild))
