"""The booking write path in process: CPU per public booking in the request (the event loop's
thread and the rest of the process: SQLite's writer and reader threads), then in the worker that
drains what those bookings left (per outbox handler, and the claims, marks and pollers around
them).

    .venv/bin/python bench/profile_book.py --workdir /tmp/book          # seeds once, reuses it
    .venv/bin/python bench/profile_book.py --workdir /tmp/book --profile request   # + cProfile
    .venv/bin/python bench/profile_book.py --workdir /tmp/book --profile drain

No HTTP server and no load: the app runs here behind httpx's ASGI transport, one request at a
time, its embedded worker off; then a `Worker` drains the outbox with `run_once` until nothing is
due. `time.thread_time` on the event loop's thread and `time.process_time` for the whole process
(CPU of every thread), so the figures are comparable between commits on one machine, not rates.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import book_seed
import httpx
import profile_reads
import servers


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    profile_reads.add_seed_arguments(parser)
    parser.add_argument("--profile", choices=("request", "drain"), action="append", default=[])
    parser.add_argument(
        "--batch-size", type=int, help="the draining worker's claim (default: as it runs)"
    )
    parser.add_argument(
        "--running",
        action="store_true",
        help="drain as the running worker does: batches bounded by batch_seconds while a "
        "writer waits (none does here: one request at a time, before the drain), pollers on "
        "their own schedule (idle ones not every round)",
    )
    parser.add_argument("--no-drain", action="store_true", help="the request part only")
    parser.add_argument(
        "--fastapi-too",
        action="store_true",
        help="then as many requests again, alternately through the fast path (X-Tenant-ID) and "
        "the FastAPI route (?org=), each request's CPU on the event loop's thread summed apart",
    )
    return parser.parse_args(argv)


def _body(n: int, day: str) -> dict[str, Any]:
    return servers.public_booking_form(
        f"Profile Guest {n}", f"+1916{3_000_000 + n:07d}", f"profile{n}@bench.example", day
    )


def _report(profiler: cProfile.Profile | None) -> None:
    if profiler is None:
        return
    if os.environ.get("PROFILE_BOOK_STATS"):  # a file for pstats, to browse callers and callees
        profiler.dump_stats(os.environ["PROFILE_BOOK_STATS"])
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(50)
    stats.sort_stats("tottime").print_stats(30)


async def measure(args: argparse.Namespace, env: dict[str, str]) -> None:
    os.environ.update({k: v for k, v in env.items() if k.startswith("MAITRED_")})
    os.environ["MAITRED_EMBEDDED_WORKER"] = "false"
    from asgi_lifespan import LifespanManager

    from maitred.app import create_app
    from maitred.config import load_settings
    from maitred.kit.worker import Worker, WorkerOptions

    app = create_app(load_settings())
    database = app.state.database
    headers = {"X-Tenant-ID": env["BENCH_ORG_SLUG"]}
    # Each run books its own days and people, after any earlier run's (the file is reused).
    runs_file = args.workdir / "profile-book-runs.txt" if args.workdir else None
    stamp = int(runs_file.read_text()) if runs_file and runs_file.exists() else 0
    if runs_file:
        runs_file.write_text(str(stamp + 1))
    per_day = book_seed.TEAMS - book_seed.ACTIVE_PER_DAY - 5
    days_a_run = (args.requests * (2 if args.fastapi_too else 1) + 40) // per_day + 1
    first = datetime.now(book_seed.ZONE).date() + timedelta(days=370 + stamp * days_a_run)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

            async def book(n: int, through_fastapi: bool = False) -> None:
                day = str(first + timedelta(days=n // per_day))
                answer = await client.post(
                    "/api/v1/public/bookings",
                    json=_body((stamp % 900) * 3000 + n, day),
                    # bookings/public_fast.py hands a request with a query to the FastAPI route
                    **(
                        {"params": {"org": env["BENCH_ORG_SLUG"]}}
                        if through_fastapi
                        else {"headers": headers}
                    ),
                )
                if answer.status_code != 201:
                    raise SystemExit(f"{answer.status_code} {answer.text}")

            warm = 30
            for n in range(warm):
                await book(n)
            worker = Worker(database, WorkerOptions(batch_size=20))
            while await worker.run_once():
                pass  # the warm-up's deliveries, so the drain below counts the measured ones
            # CPU of the event loop's thread: the writer thread's BEGIN and COMMIT are not in it.
            profiler = cProfile.Profile(time.thread_time) if "request" in args.profile else None
            main0, all0 = time.thread_time(), time.process_time()
            if profiler is not None:
                profiler.enable()
            with profile_reads.counting(database) as seen, _counting_writes(seen):
                for n in range(warm, warm + args.requests):
                    await book(n)
            if profiler is not None:
                profiler.disable()
            main_ms = (time.thread_time() - main0) * 1000 / args.requests
            all_ms = (time.process_time() - all0) * 1000 / args.requests
            print(
                f"request: {main_ms:.2f} ms CPU on the event loop's thread, "
                f"{all_ms - main_ms:.2f} ms on the others, {all_ms:.2f} ms in all, per booking"
                f" ({len(seen) / args.requests:.1f} statements)"
            )
            _report(profiler)
            if args.fastapi_too:
                await _both_routes(book, warm + args.requests, args.requests)
            if not args.no_drain:
                await _drain(database, args)


@contextlib.contextmanager
def _counting_writes(seen: list[str]) -> Iterator[None]:
    """The statements kit/writes.py runs on the driver, beside the engine's (none in a checkout
    from before it, run through PYTHONPATH)."""
    try:
        from maitred.kit import writes
    except ImportError:
        yield
        return
    writes.listeners.append(seen.append)
    try:
        yield
    finally:
        writes.listeners.remove(seen.append)


async def _both_routes(book: Any, start: int, requests: int) -> None:
    """Interleaved, so that a busy machine weighs on both alike."""
    spent = {False: 0.0, True: 0.0}
    for n in range(start, start + requests):
        through_fastapi = n % 2 == 1
        started = time.thread_time()
        await book(n, through_fastapi)
        spent[through_fastapi] += time.thread_time() - started
    for through_fastapi, label in ((False, "the fast path"), (True, "the FastAPI route")):
        ms = spent[through_fastapi] * 1000 / (requests / 2)
        print(f"request through {label}: {ms:.2f} ms CPU on the event loop's thread")


async def _drain(database: Any, args: argparse.Namespace) -> None:
    try:
        from maitred.kit import worker_batch
    except ImportError:  # a checkout from before the split (to compare with)
        from maitred.kit import worker as worker_batch  # type: ignore[no-redef]
    from maitred.kit.worker import Worker, WorkerOptions

    by_handler: dict[str, float] = defaultdict(float)
    by_poller: dict[str, float] = defaultdict(float)
    runs: dict[str, int] = defaultdict(int)
    real = worker_batch.handler_for

    def timed(event_name: str, name: str) -> Any:
        handler = real(event_name, name)
        if handler is None:
            return None

        async def run(session: Any, event: Any) -> None:
            started = time.process_time()
            try:
                await handler(session, event)
            finally:
                by_handler[f"{event_name} {name}"] += time.process_time() - started
                runs[f"{event_name} {name}"] += 1

        return run

    real_many = getattr(worker_batch, "many_for", None)  # set-based handlers (none before)

    wrapped: dict[Any, Any] = {}  # the same wrapper for the same handler: the batch groups by it

    def timed_many(event_name: str, name: str) -> Any:
        handler = real_many(event_name, name) if real_many is not None else None
        if handler is None:
            return None
        if handler in wrapped:
            return wrapped[handler]

        async def run(session: Any, events: list[Any]) -> None:
            started = time.process_time()
            try:
                await handler(session, events)
            finally:
                by_handler[f"{name} (set-based)"] += time.process_time() - started
                runs[f"{name} (set-based)"] += len(events)
                by_handler[f"{name} (set-based)"] += 0.0

        wrapped[handler] = run
        return run

    worker_batch.handler_for = timed  # type: ignore[assignment]
    if real_many is not None:
        worker_batch.many_for = timed_many
    from maitred.kit import pollers

    originals = dict(pollers._pollers)
    for name, registered in originals.items():

        async def poll(context: Any, _poll: Any = registered.poll, _name: str = name) -> int:
            started = time.process_time()
            try:
                return int(await _poll(context))
            finally:
                by_poller[_name] += time.process_time() - started

        pollers._pollers[name] = pollers.Registered(name, poll, registered.every)
    profiler = cProfile.Profile(time.thread_time) if "drain" in args.profile else None
    options = WorkerOptions()
    if args.batch_size:
        options.batch_size = args.batch_size
    worker = Worker(database, options)
    started = time.process_time()
    if profiler is not None:
        profiler.enable()
    rounds = 0
    with profile_reads.counting(database) as seen:
        while True:
            if await worker.run_once(on_schedule=args.running):
                rounds += 1
            elif not args.running or not await _left(database):
                break
            else:
                await asyncio.sleep(0.02)  # a poller not due yet: wait as the loop would
    if profiler is not None:
        profiler.disable()
    spent = (time.process_time() - started) * 1000 / args.requests
    worker_batch.handler_for = real
    if real_many is not None:
        worker_batch.many_for = real_many
    pollers._pollers.update(originals)
    handlers_ms = sum(by_handler.values()) * 1000 / args.requests
    pollers_ms = sum(by_poller.values()) * 1000 / args.requests
    print(
        f"worker: {spent:.2f} ms CPU per booking in {rounds} rounds "
        f"({len(seen) / args.requests:.1f} statements), of which handlers:"
    )
    for name, seconds in sorted(by_handler.items(), key=lambda item: -item[1]):
        print(f"  {seconds * 1000 / args.requests:7.2f} ms  {runs[name]:5} runs  {name}")
    print(f"  {spent - handlers_ms - pollers_ms:7.2f} ms  claims, fan-out, batch transactions")
    print(f"  {pollers_ms:7.2f} ms  pollers ({rounds} passes each; a running worker asks idle ones")
    print("             less often), of which:")
    for name, seconds in sorted(by_poller.items(), key=lambda item: -item[1]):
        print(f"  {seconds * 1000 / args.requests:7.2f} ms  {name}")
    _report(profiler)


async def _left(database: Any) -> bool:
    """Deliveries due or messages queued: the running worker's drain is not over."""
    from sqlalchemy import text

    from maitred.kit.worker_health import outbox_backlog

    if (await outbox_backlog(database))["due"]:
        return True
    async with database.transaction(write=False) as session:
        return bool(
            await session.scalar(text("SELECT count(*) FROM messages WHERE status = 'queued'"))
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        env = profile_reads.prepare(args.workdir, args)
        asyncio.run(measure(args, env))
        return 0
    with tempfile.TemporaryDirectory(prefix="maitred-profile-") as workdir:
        env = profile_reads.prepare(Path(workdir), args)
        asyncio.run(measure(args, env))
    return 0


if __name__ == "__main__":
    sys.exit(main())
