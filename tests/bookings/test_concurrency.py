"""No overbooking under concurrency (issue 4; OWASP ASVS 2.3.4): against a real `maitred serve`
process, well over a hundred simultaneous bookings of one slot take exactly its free capacity;
everyone else hears 409 `capacity_exceeded`, nobody a 5xx, and the stored capacity ledger agrees
with the bookings, also while winners cancel and give their team back mid-burst.

The server shares the test's database (SQLite file or MAITRED_TEST_DATABASE_URL) and its keys,
so that what it stores can be checked here.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from maitred.availability import service as availability_service
from maitred.availability.models import CapacityClaim
from maitred.bookings.models import Booking
from maitred.config import Settings
from maitred.customers import service as customers_service
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.tenancy.models import Organization
from tests.bookings.seats_given import active_seats, given_event, seats_taken
from tests.bookings.test_public_form import seed_form as public_form
from tests.demo_server import Server, serving
from tests.factories import bearer, given_organization, given_user, sign_in

# One worker runs this module under pytest-xdist, so its one `server` starts once.
pytestmark = pytest.mark.xdist_group("bookings-concurrency")

TIMEZONE = "America/Los_Angeles"
SLOT = time(18, 0)
BURST = 110  # simultaneous requests per round
ROUNDS = 3  # a different date each round
ACTIVE = ("pending", "confirmed")
BOOK_SETTINGS = {
    "availability": {
        "closed_weekdays": [],
        "min_notice_hours": 0,
        "slot_times": ["17:00", "18:00", "19:00"],
        "event_duration_minutes": 120,
        "buffer_minutes": 60,
    }
}


@pytest.fixture(scope="module")
async def server(
    settings: Settings, migrated: None, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Server]:
    """`maitred serve` on the test database, rate limits and embedded worker off."""
    async with serving(settings, tmp_path_factory.mktemp("concurrency-server")) as running:
        yield running


@pytest.fixture
async def http(server: Server) -> AsyncIterator[httpx.AsyncClient]:
    """Room for every request of a burst at once: one connection each."""
    # Idle connections are dropped before uvicorn (5 s) would close them under a request.
    limits = httpx.Limits(
        max_connections=BURST * 2, max_keepalive_connections=BURST * 2, keepalive_expiry=1.0
    )
    async with httpx.AsyncClient(base_url=server.base_url, timeout=60, limits=limits) as client:
        yield client


@dataclass
class Book:
    organization: Organization
    headers: dict[str, str]
    capacity: int


async def given_book(database: Database, http: httpx.AsyncClient, *, teams: int) -> Book:
    """A caterer open every day with `teams` chef teams, and its admin signed in."""
    organization = await given_organization(database, settings=BOOK_SETTINGS)
    admin = await given_user(database, organization, Role.admin)
    headers = bearer(await sign_in(http, admin.email))
    for number in range(1, teams + 1):
        made = await http.post(
            "/api/v1/availability/teams", json={"name": f"Team {number}"}, headers=headers
        )
        assert made.status_code == 201, made.text
    return Book(organization, headers, capacity=teams)


async def given_customers(database: Database, book: Book, count: int) -> list[uuid.UUID]:
    """`count` distinct customers, so that no two requests share anything but the slot."""
    tag = uuid.uuid4().hex[:8]
    async with database.transaction() as session:
        made = [
            await customers_service.find_or_create(
                session,
                organization_id=book.organization.id,
                name=f"Guest {n}",
                email=f"guest{n}-{tag}@example.com",
                phone=None,
            )
            for n in range(count)
        ]
    return [brief.id for brief in made]


def future_day(days: int) -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date() + timedelta(days=days)


async def request_booking(
    http: httpx.AsyncClient, book: Book, customer_id: uuid.UUID, day: date
) -> httpx.Response:
    return await http.post(
        "/api/v1/bookings",
        json={
            "customer_id": str(customer_id),
            "event_date": day.isoformat(),
            "event_time": SLOT.strftime("%H:%M"),
            "guest_count": 4,
            "event_type": "birthday",
            "location": "123 Main St, Sacramento, CA 95814",
        },
        headers=book.headers,
    )


def outcome(response: httpx.Response) -> str:
    """201, or the status and error code of a refusal: "409 capacity_exceeded"."""
    if response.status_code == 201:
        return "201"
    try:
        code = response.json().get("error")
    except ValueError:
        code = response.text[:100]
    return f"{response.status_code} {code}"


async def ledger(
    database: Database, book: Book, day: date
) -> tuple[list[str], list[Booking], list[CapacityClaim]]:
    """The ledger's own check, and the bookings and claims of `day`."""
    async with database.transaction(write=False) as session:
        problems = await availability_service.ledger_problems(
            session, organization_id=book.organization.id
        )
        bookings = (
            await session.scalars(
                select(Booking).where(
                    Booking.organization_id == book.organization.id, Booking.event_date == day
                )
            )
        ).all()
        claims = (
            await session.scalars(
                select(CapacityClaim).where(
                    CapacityClaim.organization_id == book.organization.id,
                    CapacityClaim.day == day,
                )
            )
        ).all()
    return problems, list(bookings), list(claims)


def most_held_at_once(claims: list[CapacityClaim]) -> int:
    """Replays the ledger: the largest number of teams held at any moment (a release at the
    same instant as a claim counts first)."""
    steps = [(c.created_at, 1) for c in claims]
    steps += [(c.released_at, -1) for c in claims if c.released_at is not None]
    held = most = 0
    for _, change in sorted(steps):
        held += change
        most = max(most, held)
    return most


def assert_no_team_held_twice(claims: list[CapacityClaim]) -> None:
    """Every team's claims of the slot follow one another: each was released before the next."""
    by_team: dict[uuid.UUID, list[CapacityClaim]] = {}
    for claim in claims:
        by_team.setdefault(claim.team_id, []).append(claim)
    for team, held in by_team.items():
        held.sort(key=lambda c: c.created_at)
        for before, after in zip(held, held[1:], strict=False):
            assert before.released_at is not None, f"team {team} promised twice"
            assert before.released_at <= after.created_at, f"team {team} promised twice"


async def assert_ledger_agrees(
    database: Database, book: Book, day: date, *, winners: set[str]
) -> list[Booking]:
    problems, bookings, claims = await ledger(database, book, day)
    assert problems == []
    assert {str(b.id) for b in bookings} == winners
    active = [b for b in bookings if b.status in ACTIVE]
    assert all(b.event_time == SLOT for b in bookings)
    live = [c for c in claims if c.released_at is None]
    assert sorted(str(c.booking_id) for c in live) == sorted(str(b.id) for b in active)
    assert len({c.team_id for c in live}) == len(live)
    assert most_held_at_once(claims) <= book.capacity
    assert_no_team_held_twice(claims)
    return active


@pytest.mark.parametrize("teams", [1, 3], ids=["capacity-1", "capacity-3"])
async def test_a_burst_takes_exactly_the_free_capacity_of_the_slot(
    database: Database, http: httpx.AsyncClient, server: Server, teams: int
) -> None:
    book = await given_book(database, http, teams=teams)
    for round_number in range(ROUNDS):
        day = future_day(20 + round_number)
        customers = await given_customers(database, book, BURST)

        responses = await asyncio.gather(
            *(request_booking(http, book, customer, day) for customer in customers)
        )

        outcomes = Counter(outcome(r) for r in responses)
        assert outcomes == {"201": teams, "409 capacity_exceeded": BURST - teams}, (
            f"round {round_number}: {outcomes}\n{server.log_tail()}"
        )
        winners = {r.json()["id"] for r in responses if r.status_code == 201}
        active = await assert_ledger_agrees(database, book, day, winners=winners)
        assert len(active) == teams


PUBLIC_BURST = 40


async def test_a_burst_of_public_requests_takes_exactly_the_free_capacity(
    database: Database, http: httpx.AsyncClient, server: Server
) -> None:
    """The public form's booking, which on PostgreSQL takes its number before its transaction
    and claims last, with its COMMIT (bookings/service/create_writes.py `write_booking`): the slot's
    free teams go to exactly as many requests, each booking names the team its claim holds, and
    no number is handed out twice."""
    book = await given_book(database, http, teams=3)
    day = future_day(30)
    tenant = {"X-Tenant-ID": str(book.organization.id)}
    forms = [
        public_form(
            name=f"Guest {n}",
            email=f"public{n}@example.com",
            phone=f"+1916555{n:04d}",
            event_date=day.isoformat(),
            event_time=SLOT.strftime("%H:%M"),
            guest_count=4,
        )
        for n in range(PUBLIC_BURST)
    ]

    responses = await asyncio.gather(
        *(http.post("/api/v1/public/bookings", json=form, headers=tenant) for form in forms)
    )

    outcomes = Counter(outcome(r) for r in responses)
    assert outcomes == {"201": 3, "409 capacity_exceeded": PUBLIC_BURST - 3}, (
        f"{outcomes}\n{server.log_tail()}"
    )
    won = [r.json() for r in responses if r.status_code == 201]
    assert len({w["reference_number"] for w in won}) == 3
    active = await assert_ledger_agrees(database, book, day, winners={w["booking_id"] for w in won})
    _, _, claims = await ledger(database, book, day)
    assert {b.id: b.chef_team_id for b in active} == {c.booking_id: c.team_id for c in claims}


async def test_cancellations_mid_burst_give_teams_back_without_overbooking(
    database: Database, http: httpx.AsyncClient, server: Server
) -> None:
    """Waves of bookings, each fired together with the cancellation of the winners so far: a
    freed team may be taken again, but never held by two bookings at once."""
    book = await given_book(database, http, teams=3)
    day = future_day(25)
    waves, per_wave = 4, 40
    customers = await given_customers(database, book, waves * per_wave)
    winners: list[str] = []
    cancelled: list[str] = []
    outcomes: Counter[str] = Counter()

    async def cancel(booking_id: str) -> None:
        response = await http.delete(f"/api/v1/bookings/{booking_id}", headers=book.headers)
        assert response.status_code == 204, f"{response.text}\n{server.log_tail()}"
        cancelled.append(booking_id)

    for wave in range(waves):
        to_cancel = [w for w in winners if w not in cancelled][:2]
        batch = customers[wave * per_wave : (wave + 1) * per_wave]
        booked, _ = await asyncio.gather(
            asyncio.gather(*(request_booking(http, book, c, day) for c in batch)),
            asyncio.gather(*(cancel(b) for b in to_cancel)),
        )
        outcomes.update(outcome(r) for r in booked)
        winners += [r.json()["id"] for r in booked if r.status_code == 201]
        if wave == 0:
            assert len(winners) == book.capacity

    assert set(outcomes) <= {"201", "409 capacity_exceeded"}, f"{outcomes}\n{server.log_tail()}"
    assert outcomes["201"] == len(winners) <= book.capacity + len(cancelled)
    # Two of the first wave's winners go in the second wave; later waves may find fewer to
    # cancel, when all of a wave's requests were answered before its cancellations committed.
    assert 2 <= len(cancelled) <= 2 * (waves - 1)
    active = await assert_ledger_agrees(database, book, day, winners=set(winners))
    assert {str(b.id) for b in active} == set(winners) - set(cancelled)
    assert len(active) <= book.capacity

    # A last burst without cancellations fills whatever the cancellations left free.
    last = await given_customers(database, book, per_wave)
    booked = await asyncio.gather(*(request_booking(http, book, c, day) for c in last))
    refills = [r.json()["id"] for r in booked if r.status_code == 201]
    assert Counter(outcome(r) for r in booked) == Counter(
        {
            "201": book.capacity - len(active),
            "409 capacity_exceeded": per_wave - book.capacity + len(active),
        }
    )
    active = await assert_ledger_agrees(database, book, day, winners={*winners, *refills})
    assert len(active) == book.capacity


async def test_seats_of_an_event_are_never_oversold_nor_doubled(
    database: Database, http: httpx.AsyncClient
) -> None:
    """Seed 002 counted seats with a read-then-increment and sold the last seat more than once:
    sixty simultaneous requests for an event's last ten seats get exactly ten; and one person
    pressing "book" ten times at once holds one seat."""
    book = await given_book(database, http, teams=0)
    last_ten = await given_event(database, book.organization, seats=10)
    customers = await given_customers(database, book, 60)

    async def seat(event_id: uuid.UUID, customer_id: uuid.UUID) -> httpx.Response:
        return await http.post(
            "/api/v1/bookings",
            json={"event_id": str(event_id), "customer_id": str(customer_id)},
            headers=book.headers,
        )

    burst = await asyncio.gather(*(seat(last_ten, c) for c in customers))
    roomy = await given_event(database, book.organization, seats=50)
    impatient = await asyncio.gather(*(seat(roomy, customers[0]) for _ in range(10)))

    assert Counter(outcome(r) for r in burst) == {"201": 10, "409 capacity_exceeded": 50}
    assert (await seats_taken(database, last_ten), await active_seats(database, last_ten)) == (
        10,
        10,
    )
    assert Counter(outcome(r) for r in impatient) == {"201": 1, "409 already_exists": 9}
    assert (await seats_taken(database, roomy), await active_seats(database, roomy)) == (1, 1)
