"""The year's booking day rows two ways, in process: folded from every booking
(`BookingFigures.by_day`, what the figures read today) and read from the rollup
(`rollups.day_rows`), on the database a `bench/analytics.py` run left behind.

    MAITRED_DATABASE_URL=postgresql://… .venv/bin/maitred migrate
    MAITRED_DATABASE_URL=postgresql://… .venv/bin/python bench/analytics_queries.py

Rebuilds the rollup of the organization with the most bookings first (timed), checks that both
give the same rows, then times each read (median and worst of `--runs`).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from dataclasses import astuple
from datetime import timedelta

from sqlalchemy import func, select

from maitred.analytics import rollups
from maitred.bookings.figures_repository import BookingFigures
from maitred.bookings.models import Booking
from maitred.config import Settings
from maitred.domains import import_models
from maitred.kit.clock import utcnow


async def main(runs: int) -> None:
    import_models()
    database = Settings().database()
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
        started = time.perf_counter()
        async with database.transaction() as session:
            days = await rollups.rebuild(session, org)
        print(f"rollup rebuilt: {days:,} days in {time.perf_counter() - started:.1f} s")
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
    finally:
        await database.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    asyncio.run(main(parser.parse_args().runs))
