"""The staff pages under load: Today, a calendar week and the bookings list, rendered
server-side on the demo plus 100,000 bookings, with each page's asset bytes.

    .venv/bin/python bench/pages.py            # loads the demo, seeds 100,000 bookings, 10 s a page
    .venv/bin/python bench/pages.py --quick    # 3 s a page (same data)

`maitred demo` loads the hibachi business; bench/book_seed.py's rows then add 100,000 bookings
(and 20,000 customers, 50 chef teams) to it. The demo admin signs in through the sign-in page
once; wrk sends that page cookie with every request, at 8 connections. Goals (issue 21): p99
under 100 ms a page, and at most ~150 KB of HTML, stylesheets and scripts a page (the byte count
is also a test: tests/dashboard/test_booking_page_assets.py).
"""

from __future__ import annotations

import argparse
import asyncio
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import book_seed
import hostinfo
import loadgen
import servers
from loadgen import LoadError, LoadSettings, Measurement
from servers import Server, ServerError

from maitred.demo import DEMO_ADMIN, DEMO_ORG, DEMO_PASSWORD

P99_GOAL_MS = 100.0
ASSET_BUDGET = 150 * 1024
ASSET = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(/[^"]+)"')
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--quick", action="store_true", help="3 s a page after 1 s of warm-up")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--bookings", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup = 3.0, 1.0
    return args


def load_demo(workdir: Path, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "maitred", "demo"],
        env=env,
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise ServerError(f"maitred demo failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


async def _seed_demo(bookings: int, customers: int) -> None:
    """book_seed's customers and bookings, added to the demo business (its settings, menu and
    reference series are kept; the seeded references have a prefix of their own)."""
    from sqlalchemy import insert, select

    from maitred.availability.models import CapacityClaim, ChefTeam
    from maitred.bookings.models import Booking
    from maitred.config import Settings
    from maitred.customers.models import Customer
    from maitred.domains import import_models
    from maitred.kit import crypto
    from maitred.tenancy.models import Organization

    import_models()
    settings = Settings()
    crypto.configure(crypto.Keyring.from_settings(settings))
    database = settings.database()
    now = datetime.now(UTC)
    today = now.astimezone(book_seed.ZONE).date()
    try:
        async with database.transaction() as session:
            org_id = await session.scalar(
                select(Organization.id).where(Organization.name == DEMO_ORG)
            )
            if org_id is None:
                raise ServerError(f"no organization named {DEMO_ORG!r} after `maitred demo`")
            teams = [uuid.uuid4() for _ in range(book_seed.TEAMS)]
            await session.execute(
                insert(ChefTeam),
                [
                    {
                        "id": t,
                        "organization_id": org_id,
                        "name": f"Bench team {i + 1}",
                        "time_off": [],
                    }
                    for i, t in enumerate(teams)
                ],
            )
        customer_ids: list[uuid.UUID] = []
        for batch in book_seed.batches(book_seed.customer_rows(org_id, customers, now)):
            async with database.transaction() as session:
                await session.execute(insert(Customer), batch)
            customer_ids += [row["id"] for row in batch]
        claims: list[dict[str, Any]] = []
        rows = book_seed.booking_rows(org_id, customer_ids, teams, bookings, today, now, claims)
        for batch in book_seed.batches(rows):
            for row in batch:
                row["reference_number"] = "SEED-" + row["reference_number"]
            async with database.transaction() as session:
                await session.execute(insert(Booking), batch)
        for batch in book_seed.batches(iter(claims)):
            async with database.transaction() as session:
                await session.execute(insert(CapacityClaim), batch)
    finally:
        await database.dispose()


def seed_demo(env: dict[str, str], bookings: int, customers: int) -> None:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        asyncio.run(_seed_demo(bookings, customers))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def page_cookie(server: Server) -> str:
    """The demo admin signed in through the sign-in page, as a browser does: its session cookie."""
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(server.base_url + "/app/sign-in", timeout=30) as page:
        found = TOKEN.search(page.read().decode())
    if found is None:
        raise ServerError("the sign-in page has no form token")
    form = {"csrf_token": found[1], "email": DEMO_ADMIN, "password": DEMO_PASSWORD, "next": "/app"}
    try:
        opener.open(server.base_url + "/app/sign-in", urllib.parse.urlencode(form).encode(), 30)
    except urllib.error.HTTPError as exc:
        if exc.code != 303:
            raise ServerError(f"signing in answered {exc.code}") from exc
    session = next((c.value for c in jar if c.name == "maitred_session"), None)
    if session is None:
        raise ServerError("signing in set no session cookie")
    return f"maitred_session={session}"


def get(url: str, cookie: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def page_bytes(server: Server, path: str, cookie: str) -> int:
    """The page's HTML plus every stylesheet and script it links (what a first visit loads)."""
    status, html = get(server.base_url + path, cookie)
    if status != 200:
        raise ServerError(f"{path} answered {status}")
    total = len(html)
    for asset in sorted(set(ASSET.findall(html.decode()))):
        status, body = get(server.base_url + asset, cookie)
        if status != 200:
            raise ServerError(f"{asset} answered {status}")
        total += len(body)
    return total


def measure(
    wrk: str, server: Server, path: str, cookie: str, args: argparse.Namespace
) -> Measurement:
    measurement: Measurement | None = None
    for seconds in (args.warmup, args.duration):
        load = LoadSettings(seconds, args.connections, 1)
        measurement, _ = loadgen.run_wrk(
            wrk, server.base_url + path, "GET", load, {"Cookie": cookie}
        )
    assert measurement is not None
    return measurement


def benchmark(args: argparse.Namespace, wrk: str, workdir: Path) -> list[list[str]]:
    env = servers.maitred_env(
        workdir, f"sqlite:///{workdir / 'maitred.db'}", servers.new_secret_key()
    )
    print("loading the demo …", flush=True)
    load_demo(workdir, env)
    print(f"adding {args.bookings:,} bookings and {args.customers:,} customers …", flush=True)
    seed_demo(env, args.bookings, args.customers)
    monday = datetime.now(book_seed.ZONE).date()
    monday -= timedelta(days=monday.weekday())
    pages = (
        ("Today", "/app"),
        ("Calendar (a week)", f"/app/calendar?week={monday + timedelta(days=14)}"),
        ("Bookings list", "/app/bookings"),
    )
    rows: list[list[str]] = []
    started: list[Server] = []
    with servers.running(started):
        started.append(servers.start_maitred(workdir, env))
        maitred = started[0]
        servers.wait_until_ready(maitred, "/health")
        cookie = page_cookie(maitred)
        print(f"load: wrk -t1 -c{args.connections} -d{args.duration:g}s (after {args.warmup:g} s)")
        for label, path in pages:
            size = page_bytes(maitred, path, cookie)
            m = measure(wrk, maitred, path, cookie, args)
            errors = m.non_2xx + m.socket_errors
            rows.append(
                [
                    label,
                    f"{m.requests_per_s:,.0f}",
                    f"{m.p50_ms:.1f}",
                    f"{m.p99_ms:.1f}",
                    f"{'✓' if m.p99_ms < P99_GOAL_MS else '✗'} < {P99_GOAL_MS:g} ms",
                    f"{size / 1024:.0f} KB {'✓' if size <= ASSET_BUDGET else '✗'}",
                    str(errors),
                ]
            )
            print("  " + " | ".join(rows[-1]), flush=True)
    return rows


def table(rows: list[list[str]]) -> str:
    header = ["page", "req/s", "p50 ms", "p99 ms", "goal", "bytes ≤ 150 KB", "errors"]
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
        machine = hostinfo.machine_info(wrk, "staff pages", 1)
        hostinfo.print_machine(machine)
        with tempfile.TemporaryDirectory(prefix="maitred-bench-pages-") as tmp:
            rows = benchmark(args, wrk, Path(tmp))
    except (LoadError, ServerError) as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\nbench: interrupted; servers stopped", file=sys.stderr)
        return 130
    print()
    print(table(rows))
    hostinfo.save_results("pages", machine, args, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
