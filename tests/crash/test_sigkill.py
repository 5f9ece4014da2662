"""Crash cycles (issue 20): a real API process on the test database (`maitred serve`'s app and
uvicorn options, forked from a parent that built the app once: tests/crash/forked_server.py)
takes a bounded write load over TCP (public booking requests and staff payments, in threads),
is killed with SIGKILL mid-load and started again, 20 times. Whatever a client was told
succeeded (2xx) is in the database, and nothing is there twice; after every restart the
capacity ledger agrees with the bookings (ARCHITECTURE.md's integrity query) and each booking's
paid total with its payments.

A request cut off by the kill may or may not have been committed: such requests are counted, and
the database may hold at most that many rows beyond the answered ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from maitred.availability import service as availability_service
from maitred.bookings.models import Booking
from maitred.config import Settings
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.payments.models import Payment
from tests.bookings.given import (
    SEED_000_MENU,
    SEED_000_POLICY,
    Book,
    given_book,
    given_customer,
    seed_001_form,
)
from tests.demo_server import free_port, server_env
from tests.factories import bearer, given_user, sign_in

# Servers killed and started again: one xdist worker, away from other load.
pytestmark = pytest.mark.xdist_group("crash-cycles")

CYCLES = 20
THREADS = 4
ANSWERS_BEFORE_KILL = (2, 12)  # how many answers each cycle's load gets before the kill
PAID_BOOKINGS = 3
ROOT = Path(__file__).parents[2]
NUMBERS = itertools.count()


@dataclass
class Tally:
    """What the clients were told, across all cycles."""

    bookings: list[uuid.UUID] = field(default_factory=list)  # 201s
    payments: list[uuid.UUID] = field(default_factory=list)  # 201s
    unknown_bookings: int = 0  # cut off by the kill: committed or not
    unknown_payments: int = 0
    answers: int = 0
    errors: list[str] = field(default_factory=list)  # the bodies of any 5xx
    lock: threading.Lock = field(default_factory=threading.Lock)


def public_form(n: int) -> dict[str, object]:
    """A distinct person asking for one of many open dates (none on Mondays, closed)."""
    day = utcnow().date() + timedelta(days=random.randint(14, 200))
    if day.weekday() == 0:
        day += timedelta(days=1)
    return {
        "name": f"Crash Guest {n}",
        # Not the payer's (916) number: a shared phone makes a possible-duplicate customer.
        "phone": f"(530) 555-{n % 10_000:04d}",
        "email": f"crash{n}-{uuid.uuid4().hex[:6]}@example.com",
        "event_date": day.isoformat(),
        "event_time": random.choice(["17:00", "18:00", "19:00"]),
        "guest_count": 12,
        "event_type": "birthday",
        "location": "Sacramento, CA",
        "source": "booking_form",
    }


def load(base_url: str, book: Book, staff: dict[str, str], paid: list[str], kill: Kill) -> Tally:
    """Each thread alternates a public booking request and a payment until the server is
    killed, which happens once the cycle's requests have had `kill.after` answers: however
    slow the machine, with the other threads' requests in flight."""
    tally = Tally()
    stop = kill.stop

    def client_loop() -> None:
        with httpx.Client(base_url=base_url, timeout=10) as http:
            while not stop.is_set():
                n = next(NUMBERS)  # across cycles: no two requests share a phone
                is_payment = n % 2 == 1
                try:
                    if is_payment:
                        answer = http.post(
                            "/api/v1/payments/process",
                            json={
                                "booking_id": paid[n % len(paid)],
                                "amount": 1,
                                "payment_method": "cash",
                            },
                            headers=staff,
                        )
                    else:
                        answer = http.post(
                            "/api/v1/public/bookings",
                            json=public_form(n),
                            headers={"X-Tenant-ID": str(book.organization.id)},
                        )
                except httpx.ConnectError:
                    continue  # never reached a server: nothing to account for
                except httpx.TransportError:
                    # Cut off by the kill (or timed out on a slow machine): stored or not.
                    with tally.lock:
                        tally.unknown_bookings += not is_payment
                        tally.unknown_payments += is_payment
                    continue
                with tally.lock:
                    if answer.status_code == 201 and is_payment:
                        tally.payments.append(uuid.UUID(answer.json()["id"]))
                    elif answer.status_code == 201:
                        tally.bookings.append(uuid.UUID(answer.json()["booking_id"]))
                    elif answer.status_code >= 500:  # a 409 (the slot is full) is an answer too
                        tally.errors.append(answer.text)
                    answers = tally.answers = tally.answers + 1
                if answers >= kill.after:
                    kill()

    threads = [threading.Thread(target=client_loop) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = threading.Timer(30, kill)  # whatever happens, each cycle ends
    deadline.start()
    for thread in threads:
        thread.join()
    deadline.cancel()
    kill()
    return tally


class ForkedServer:
    """tests/crash/forked_server.py: the app built once, each start a forked API process."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        with (home / "server.log").open("ab") as log:
            self.parent = subprocess.Popen(
                [sys.executable, "-m", "tests.crash.forked_server", str(self.port)],
                cwd=ROOT,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
            )
        self.pid = 0

    def start(self) -> str:
        assert self.parent.stdin is not None
        assert self.parent.stdout is not None
        self.parent.stdin.write(b"start\n")
        self.parent.stdin.flush()
        self.pid = int(self.parent.stdout.readline())
        deadline = time.monotonic() + 120  # the app is built once, on the first start
        with httpx.Client(base_url=self.base_url, timeout=2) as http:
            while time.monotonic() < deadline:
                try:
                    if http.get("/health").status_code == 200:
                        return self.base_url
                except httpx.TransportError:
                    pass
                time.sleep(0.02)
        raise AssertionError("the API process did not start")

    def kill(self) -> None:
        os.kill(self.pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
        self.parent.kill()
        self.parent.wait()


class Kill:
    """SIGKILL to the API process, once: the clients stop sending new requests as it dies."""

    def __init__(self, server: ForkedServer, *, after: int) -> None:
        self.server = server
        self.after = after
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            if not self.stop.is_set():
                self.stop.set()
                self.server.kill()


@pytest.fixture
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crash-server")


async def test_a_server_killed_mid_load_twenty_times_keeps_every_answer_once(
    settings: Settings, migrated: None, database: Database, home: Path
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, teams=3, menu=SEED_000_MENU)
    admin = await given_user(database, book.organization, Role.admin)
    payer = await given_customer(database, book, name="Pat Payer")
    await database.dispose()  # see _ledger_problems
    server = ForkedServer(home, server_env(settings, home))
    base_url = server.start()
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
            staff = bearer(await sign_in(http, admin.email))
            paid = []
            for weeks in range(PAID_BOOKINGS):
                form = seed_001_form(payer, book, guest_count=20, status="confirmed")
                day = utcnow().date() + timedelta(days=210 + 7 * weeks)
                if day.weekday() == 0:  # closed on Mondays (210 days from a Monday is one)
                    day += timedelta(days=1)
                form["event_date"] = day.isoformat()
                made = await http.post("/api/v1/bookings", json=form, headers=staff)
                assert made.status_code == 201, made.text
                paid.append(made.json()["id"])

        answered = Tally()
        for cycle in range(CYCLES):
            kill = Kill(server, after=random.randint(*ANSWERS_BEFORE_KILL))
            tally = await asyncio.to_thread(load, base_url, book, staff, paid, kill)
            answered.bookings += tally.bookings
            answered.payments += tally.payments
            answered.unknown_bookings += tally.unknown_bookings
            answered.unknown_payments += tally.unknown_payments
            answered.errors += tally.errors
            await asyncio.to_thread(server.start)
            problems = await _ledger_problems(settings, book)
            assert problems == [], f"after cycle {cycle + 1}: {problems}"
    finally:
        server.stop()

    assert answered.errors == []
    assert answered.bookings  # the load did reach the server
    assert answered.payments
    async with database.transaction(write=False) as session:
        stored_bookings = set(
            await session.scalars(
                select(Booking.id).where(
                    Booking.organization_id == book.organization.id,
                    Booking.id.not_in([uuid.UUID(p) for p in paid]),
                )
            )
        )
        stored_payments = set(
            await session.scalars(
                select(Payment.id).where(Payment.organization_id == book.organization.id)
            )
        )
        paid_totals = dict(
            (
                await session.execute(
                    select(Booking.id, Booking.amount_paid).where(
                        Booking.id.in_([uuid.UUID(p) for p in paid])
                    )
                )
            ).all()
        )
        payment_sums = dict(
            (
                await session.execute(
                    select(Payment.booking_id, func.sum(Payment.amount))
                    .where(Payment.organization_id == book.organization.id)
                    .group_by(Payment.booking_id)
                )
            ).all()
        )
    # Every answered request is stored, once (a 201 names one row; no id was answered twice).
    assert len(set(answered.bookings)) == len(answered.bookings)
    assert set(answered.bookings) <= stored_bookings
    assert len(stored_bookings) <= len(answered.bookings) + answered.unknown_bookings
    assert len(set(answered.payments)) == len(answered.payments)
    assert set(answered.payments) <= stored_payments
    assert len(stored_payments) <= len(answered.payments) + answered.unknown_payments
    # Each booking's paid total is the sum of the payments stored for it, none lost or doubled.
    for booking_id, total in paid_totals.items():
        assert total == payment_sums.get(booking_id, Decimal(0)), booking_id


async def _ledger_problems(settings: Settings, book: Book) -> list[str]:
    """On connections of its own, closed at once: the test process keeps no SQLite connection
    (nor its read mark on the WAL) open while API processes are killed and started (the
    conftest's handle is closed for the same reason between subprocess tests)."""
    database = settings.database()
    try:
        async with database.transaction(write=False) as session:
            return await availability_service.ledger_problems(
                session, organization_id=book.organization.id
            )
    finally:
        await database.dispose()
