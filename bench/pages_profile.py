"""The staff pages in process, one client: CPU time and statements per page, and where the time
goes (cProfile), on the data bench/pages.py loads (the demo plus 100,000 bookings).

    .venv/bin/python bench/pages_profile.py                 # CPU ms and statements per page
    .venv/bin/python bench/pages_profile.py --profile Today # and the page's top functions

No server, no load: the app is called through httpx's ASGI transport, one request at a time, so
the figures hold on a shared machine (time.process_time counts this process's CPU only). The
database is kept in --workdir and reused by later runs (delete it to seed again).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import os
import pstats
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import book_seed
import gc_pauses
import pages
import servers

from maitred.demo import DEMO_ADMIN, DEMO_PASSWORD


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/maitred-pages-profile"))
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", help="a page's label: print its top functions")
    parser.add_argument("--sort", default="tottime", help="cProfile order: tottime, cumulative")
    parser.add_argument("--statements", action="store_true", help="print each page's statements")
    parser.add_argument("--only", action="append", default=[], help="a page's label (repeatable)")
    parser.add_argument(
        "--pyinstrument", action="store_true", help="--profile with pyinstrument (if installed)"
    )
    return parser.parse_args(argv)


def prepared(args: argparse.Namespace) -> dict[str, str]:
    """The environment of a seeded database in --workdir (seeded on the first run)."""
    args.workdir.mkdir(parents=True, exist_ok=True)
    saved = args.workdir / "env.json"
    if saved.exists():
        env: dict[str, str] = json.loads(saved.read_text())
        return env
    env = servers.maitred_env(
        args.workdir, f"sqlite:///{args.workdir / 'maitred.db'}", servers.new_secret_key()
    )
    print("loading the demo …", flush=True)
    pages.load_demo(args.workdir, env)
    print(f"adding {args.bookings:,} bookings …", flush=True)
    pages.seed_demo(env, args.bookings, args.customers)
    saved.write_text(json.dumps({k: v for k, v in env.items() if k.startswith("MAITRED_")}))
    return env


def page_paths() -> list[tuple[str, str]]:
    monday = datetime.now(book_seed.ZONE).date()
    monday -= timedelta(days=monday.weekday())
    week = monday + timedelta(days=14)
    return [
        ("Today", "/app"),
        ("Calendar week", f"/app/calendar?week={week}"),
        ("Calendar day", f"/app/calendar?view=day&day={week}"),
        ("Calendar month", f"/app/calendar?view=month&day={week}"),
        ("Bookings list", "/app/bookings"),
    ]


async def run(args: argparse.Namespace) -> None:
    import httpx
    from asgi_lifespan import LifespanManager
    from sqlalchemy import event

    from maitred.app import create_app
    from maitred.config import Settings
    from maitred.kit.reads import ReadPool

    os.environ["MAITRED_EMBEDDED_WORKER"] = "false"  # its polls would count as statements
    settings = Settings()
    app = create_app(settings)
    database = app.state.database
    seen: list[str] = []

    def on_execute(*event_args: Any) -> None:
        seen.append(" ".join(str(event_args[2]).split())[:120])

    event.listen(database.engine.sync_engine, "before_cursor_execute", on_execute)
    fetch = ReadPool._fetch

    async def counting_fetch(self: ReadPool, driver: Any, sql: str, parameters: Any) -> Any:
        seen.append("READ " + " ".join(sql.split())[:115])
        return await fetch(self, driver, sql, parameters)

    ReadPool._fetch = counting_fetch  # type: ignore[method-assign]
    # The server's start-up (planner statistics, gc.freeze(), the NLU's warm-up, waited for so
    # that its thread's CPU is not counted); not manager.app, which shares one `state` dict.
    lifespan = LifespanManager(app)
    await lifespan.__aenter__()
    await app.state.nlu_warm_up
    pauses = gc_pauses.GcPauses()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        page = await client.get("/app/sign-in")
        found = pages.TOKEN.search(page.text)
        assert found, "no form token"
        form = {"csrf_token": found[1], "email": DEMO_ADMIN, "password": DEMO_PASSWORD}
        answer = await client.post("/app/sign-in", data=form | {"next": "/app"})
        assert answer.status_code == 303, answer.text[-500:]
        print(
            f"{'page':<16} {'CPU ms p50':>10} {'max':>7} {'statements':>10} {'KB':>5}"
            f" {'Python calls':>12} {'gc full/young, worst ms':>24}"
        )
        for label, path in page_paths():
            if args.only and label not in args.only:
                continue
            for _ in range(3):  # warm: compiled queries, templates
                warm = await client.get(path)
                assert warm.status_code == 200, (path, warm.text[-3000:])
            # Python calls a request (client included), steady where CPU time moves with the
            # machine's load: it tells two commits apart on a busy machine.
            calls = cProfile.Profile()
            calls.enable()
            for _ in range(10):
                await client.get(path)
            calls.disable()
            counted: dict[Any, tuple[Any, ...]] = pstats.Stats(calls).stats  # type: ignore[attr-defined]
            python_calls = sum(entry[1] for entry in counted.values()) / 10
            costs: list[float] = []
            pauses.reset()
            profiler = cProfile.Profile() if args.profile == label else None
            sampler: Any = None
            if profiler and args.pyinstrument:
                import pyinstrument

                profiler, sampler = None, pyinstrument.Profiler(interval=0.0002)
                sampler.start()
            for _ in range(args.requests):
                seen.clear()
                started = time.process_time()
                if profiler:
                    profiler.enable()
                answer = await client.get(path)
                if profiler:
                    profiler.disable()
                costs.append((time.process_time() - started) * 1000)
                assert answer.status_code == 200, path
            print(
                f"{label:<16} {statistics.median(costs):>10.1f} {max(costs):>7.1f}"
                f" {len(seen):>10} {len(answer.content) / 1024:>5.0f} {python_calls:>12,.0f}"
                f" {pauses.full:>9}/{pauses.young:<5} {pauses.worst:>8.1f}",
                flush=True,
            )
            if args.statements:
                for sql in seen:
                    print("    " + sql)
            if profiler:
                pstats.Stats(profiler).sort_stats(args.sort).print_stats(60)
            if sampler:
                sampler.stop()
                print(sampler.output_text(unicode=False, color=False))
    pauses.close()
    await lifespan.__aexit__(None, None, None)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.ERROR)  # a page's error shows its traceback
    env = prepared(args)
    os.environ.update(env)
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
