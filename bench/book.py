"""The booking book under load: the issue's three figures, measured on a busy database.

    .venv/bin/python bench/book.py            # seeds 100,000 bookings, then 10 s per row
    .venv/bin/python bench/book.py --quick    # 3 s per row (same data)

With 100,000 bookings and 50,000 customers in the database (bench/book_seed.py), at 16
connections: `GET /bookings` filtered by status and a month of dates, and `GET /availability` for
one date, each with its p99 (goal: under 50 ms); and `POST /public/bookings` (validation, customer
lookup, pricing, capacity claim, insert, outbox) next to the raw-driver insert ceiling of
bench/run.py in the same run (goal: at least 30 % of it) with no errors. Then the outbox lag:
from the end of the POST load until the worker has done every booking's CRM record, messages and
webhooks (`/health/workers` shows nothing due; goal: within 10 s).

SQLite runs one API process with its embedded worker (`--workers N` for more API processes).
With `--database-url postgresql://…` the issue's scale-out shape runs instead: `maitred serve
--workers 2` (`--workers` to change it) and one `maitred worker` process.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import signal
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
import book_seed
import hostinfo
import loadgen
import servers
from loadgen import LoadError, LoadSettings, Measurement
from servers import Server, ServerError

BENCH_DIR = Path(__file__).resolve().parent
POST_SCRIPT = BENCH_DIR / "wrk_public_booking.lua"
P99_GOAL_MS = 50.0
INSERT_GOAL = 0.30
OUTBOX_LAG_GOAL_S = 10.0
OUTBOX_WAIT_S = 300.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--quick", action="store_true", help="3 s per row after 1 s of warm-up")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--workers", type=int, help="maitred serve --workers N (default 1; PostgreSQL: 2)"
    )
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--database-url", help="postgresql://… (default: a fresh SQLite file)")
    parser.add_argument("--output", type=Path)
    parser.add_argument(
        "--only",
        choices=("post",),
        help="post: only the ceiling, POST /public/bookings and the outbox lag (no GET rows)",
    )
    args = parser.parse_args(argv)
    if args.workers is None:
        args.workers = 2 if args.database_url else 1
    if args.quick:
        args.duration, args.warmup = 3.0, 1.0
    # wrk takes whole seconds only (`-d0.5s` is a usage error, exit 1).
    args.duration, args.warmup = (float(max(1, math.ceil(s))) for s in (args.duration, args.warmup))
    return args


def run(
    wrk: str,
    server: Server,
    path: str,
    args: argparse.Namespace,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    script_env: dict[str, str] | None = None,
) -> Measurement:
    url = server.base_url + path
    script = POST_SCRIPT if script_env is not None else loadgen.SUMMARY_SCRIPT
    for run_number, seconds in ((0, args.warmup), (1, args.duration)):
        load = LoadSettings(seconds, args.connections, 1)
        env = {**(script_env or {}), "BENCH_RUN": str(run_number)}
        measurement, _report = loadgen.run_wrk(wrk, url, method, load, headers, script, env)
    return measurement


def row(label: str, m: Measurement, verdict: str) -> list[str]:
    kinds = [f"{m.non_2xx} non-2xx"] if m.non_2xx else []
    kinds += [f"{m.socket_errors} socket (wrk's 2 s timeout included)"] if m.socket_errors else []
    errors = ", ".join(kinds) or "0"
    return [
        label,
        f"{m.requests_per_s:,.0f}",
        f"{m.p50_ms:.1f}",
        f"{m.p99_ms:.1f}",
        verdict,
        errors,
    ]


def outbox_lag(server: Server, load_ended: float) -> tuple[float | None, int]:
    """Seconds from the end of the load until nothing is due in the outbox (None: still not
    after OUTBOX_WAIT_S), and the most seen due at once."""
    most = 0
    while time.monotonic() - load_ended < OUTBOX_WAIT_S:
        status, body = servers.fetch(server.base_url + "/health/workers", timeout=30.0)
        outbox = body.get("outbox") if status in (200, 503) and isinstance(body, dict) else None
        due = int(outbox["due"]) if isinstance(outbox, dict) else -1
        most = max(most, due)
        if due == 0:
            return time.monotonic() - load_ended, most
        time.sleep(0.2)
    return None, most


def statistics_state(database_url: str) -> str:
    """Whether PostgreSQL had analyzed and vacuumed the seeded tables when the reads began: with
    neither, GET /bookings costs the server ten times the work (kit/db.py `_analyze_unanalyzed`,
    run by maitred's start-up; before it, whether autovacuum had come during the seed decided)."""

    async def read() -> str:
        connection = await asyncpg.connect(database_url)
        try:
            rows = await connection.fetch(
                "SELECT relname, greatest(last_analyze, last_autoanalyze) IS NOT NULL AS analyzed,"
                " greatest(last_vacuum, last_autovacuum) IS NOT NULL AS vacuumed"
                " FROM pg_stat_user_tables WHERE relname IN ('bookings', 'customers')"
                " ORDER BY relname"
            )
        finally:
            await connection.close()
        return ", ".join(
            f"{r['relname']} {'analyzed' if r['analyzed'] else 'NOT analyzed'}"
            f" {'and vacuumed' if r['vacuumed'] else 'NOT vacuumed'}"
            for r in rows
        )

    return asyncio.run(read())


def first_free_day(today: date) -> date:
    """Past the seeded year of bookings, so the measured requests find free teams."""
    return today + timedelta(days=370)


def benchmark(args: argparse.Namespace, wrk: str, workdir: Path) -> list[list[str]]:
    database_url = args.database_url or f"sqlite:///{workdir / 'maitred.db'}"
    driver = "asyncpg" if args.database_url else "aiosqlite"
    secret_key = servers.new_secret_key()
    env = servers.maitred_env(workdir, database_url, secret_key)
    organization = servers.create_organization(workdir, env)
    print(f"seeding {args.bookings:,} bookings and {args.customers:,} customers …", flush=True)
    book_seed.run_seed(env, organization.id, bookings=args.bookings, customers=args.customers)
    today = datetime.now(book_seed.ZONE).date()
    started: list[Server] = []
    rows: list[list[str]] = []
    with servers.running(started):
        started.append(servers.start_maitred(workdir, env, args.workers))
        started.append(servers.start_ceilings(workdir, database_url, 1, secret_key))
        if args.database_url:  # the API processes run no worker there: one of its own
            started.append(servers.start_worker(workdir, env))
        for server in started[:2]:
            servers.wait_until_ready(server, "/health")
        maitred, ceilings = started[:2]
        if args.database_url:
            print(f"planner statistics at the first request: {statistics_state(args.database_url)}")
        bearer = {"Authorization": f"Bearer {servers.sign_in(maitred)}"}
        month_from, month_to = today + timedelta(days=30), today + timedelta(days=60)
        listing = (
            f"/api/v1/bookings?status=confirmed&date_from={month_from}&date_to={month_to}"
            "&sort=event_date&order=asc"
        )
        availability = f"/api/v1/availability?date={today + timedelta(days=45)}&guest_count=20"
        for path in (listing, availability):
            status, body = servers.fetch(maitred.base_url + path, headers=bearer, timeout=30.0)
            if status != 200:
                raise ServerError(f"{path} answered {status}: {body}")
        print(f"load: wrk -t1 -c{args.connections} -d{args.duration:g}s (after {args.warmup:g} s)")
        reads = (
            ("GET /bookings (status + dates)", listing),
            ("GET /availability (one date)", availability),
        )
        for label, path in reads if args.only != "post" else ():
            m = run(wrk, maitred, path, args, headers=bearer)
            verdict = f"p99 {'✓' if m.p99_ms < P99_GOAL_MS else '✗'} < {P99_GOAL_MS:g} ms"
            rows.append(row(label, m, verdict))
            print("  " + " | ".join(rows[-1]), flush=True)
        ceiling = run(wrk, ceilings, "/raw/organizations", args, method="POST")
        rows.append(row(f"ceiling: raw {driver} insert", ceiling, ""))
        print("  " + " | ".join(rows[-1]), flush=True)
        day_one = datetime.combine(first_free_day(today), datetime.min.time(), UTC)
        script_env = {
            "BENCH_FIRST_DAY_EPOCH": str(int(day_one.timestamp())),
            "BENCH_PER_DAY": str(book_seed.TEAMS - book_seed.ACTIVE_PER_DAY - 5),
            "BENCH_TENANT": organization.slug,
        }
        posted = run(
            wrk, maitred, "/api/v1/public/bookings", args, method="POST", script_env=script_env
        )
        load_ended = time.monotonic()
        share = posted.requests_per_s / ceiling.requests_per_s if ceiling.requests_per_s else 0
        mark = "✓" if share >= INSERT_GOAL else "✗"
        verdict = f"{share:.0%} of raw insert {mark} ≥ {INSERT_GOAL:.0%}"
        rows.append(row("POST /public/bookings", posted, verdict))
        print("  " + " | ".join(rows[-1]), flush=True)
        lag, most_due = outbox_lag(maitred, load_ended)
        shown = f"{lag:.1f} s" if lag is not None else f"> {OUTBOX_WAIT_S:g} s"
        mark = "✓" if lag is not None and lag <= OUTBOX_LAG_GOAL_S else "✗"
        rows.append(["outbox lag after the POST load", "", "", "", f"{shown} {mark} ≤ 10 s", "0"])
        print(f"  outbox lag: {shown} (most due at once: {most_due:,})", flush=True)
    return rows


def table(rows: list[list[str]]) -> str:
    header = ["row", "req/s", "p50 ms", "p99 ms", "goal", "errors"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    lines += [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        wrk = loadgen.ensure_wrk()
        machine = hostinfo.machine_info(wrk, "booking book", args.workers)
        hostinfo.print_machine(machine)
        with tempfile.TemporaryDirectory(prefix="maitred-bench-book-") as tmp:
            rows = benchmark(args, wrk, Path(tmp))
    except (LoadError, ServerError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nbench: interrupted; servers stopped", file=sys.stderr)
        return 130
    print()
    print(table(rows))
    hostinfo.save_results("book", machine, args, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
