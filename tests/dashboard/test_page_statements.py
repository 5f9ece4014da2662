"""The busiest staff pages' statement budgets, through HTTP, with what each page shows.

Today, the calendar (week, day, month) and the bookings list read their panels with compiled
statements, counted and limited in SQL (bookings/service/today.py and browse.py): a page's
statement count does not grow with the bookings it holds. Every statement is counted: the
engine's and the read pool's (tests/bookings/test_statement_budget.py's counter).
"""

from __future__ import annotations

import itertools
import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest

from maitred.bookings.models import Booking
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from tests.bookings.given import given_book, given_customer
from tests.bookings.test_statement_budget import count_statements
from tests.dashboard.given import signed_in_page
from tests.factories import bearer, given_user, sign_in

# Each count holds the signed-in user's read and the organization's (read once per version it
# has in this process: its time zone and calendar rules); the rest is one statement a panel.
# Today, the week and the month open no transaction (no BEGIN, no COMMIT).
BUDGET = {"today": 8, "week": 4, "day": 7, "month": 3, "list": 4}
_numbers = itertools.count(1)


async def given_bookings(
    database: Database,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID,
    day: date,
    count: int,
    status: str = "confirmed",
) -> None:
    async with database.transaction() as session:
        for n in range(count):
            at = time(11 + n % 10, 0)
            starts = datetime.combine(day, at, tzinfo=UTC)
            session.add(
                Booking(
                    organization_id=organization_id,
                    reference_number=f"BK-2026-{next(_numbers):06d}",
                    customer_id=customer_id,
                    status=status,
                    event_date=day,
                    event_time=at,
                    timezone="America/Los_Angeles",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    guest_count=10,
                    total_amount=Decimal("550.00"),
                    source="admin",
                )
            )


def within(seen: list[str], page: str) -> None:
    assert len(seen) <= BUDGET[page], "\n".join(seen)


def figure(html: str, name: str) -> str:
    found = re.search(rf'id="figure-{name}">(\d+)<', html)
    assert found, html[-3000:]
    return found[1]


@pytest.fixture
async def busy_client(
    client: httpx.AsyncClient, database: Database
) -> tuple[httpx.AsyncClient, date]:
    """An admin signed in to a business whose today holds 3 active bookings (1 pending), a
    cancelled one and a pending one in the past, and 14 confirmed bookings tomorrow."""
    book = await given_book(database, teams=2)
    organization_id = book.organization.id
    customer = await given_customer(database, book, name="Ada Lovelace")
    today = utcnow().astimezone(ZoneInfo(book.organization.timezone)).date()
    await given_bookings(database, organization_id, customer, today, 2)
    await given_bookings(database, organization_id, customer, today, 1, "pending")
    await given_bookings(database, organization_id, customer, today, 1, "cancelled")
    await given_bookings(
        database, organization_id, customer, today - timedelta(days=3), 1, "pending"
    )
    await given_bookings(database, organization_id, customer, today + timedelta(days=1), 14)
    admin = await given_user(database, book.organization, "admin")
    await signed_in_page(client, admin.email)
    return client, today


async def test_today_counts_in_sql_and_links_the_rest_of_the_week(
    busy_client: tuple[httpx.AsyncClient, date],
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, _ = busy_client
    monkeypatch.setattr("maitred.dashboard.pages.today.WEEK_ROWS", 5)

    with count_statements(database, monkeypatch) as statements:
        answer = await client.get("/app")

    assert answer.status_code == 200, answer.text[-2000:]
    within(statements.seen, "today")
    assert figure(answer.text, "today") == "3"
    assert figure(answer.text, "week") == "17"
    assert figure(answer.text, "pending") == "1"
    later = answer.text[answer.text.index('id="week-list"') :]
    assert later.count("<tr>") == 1 + 5  # the header and the first five of tomorrow's
    assert "All 17 bookings of the next 7 days</a>" in later


async def test_a_calendar_week_shows_eight_a_day_and_links_the_rest(
    busy_client: tuple[httpx.AsyncClient, date],
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, today = busy_client
    tomorrow = today + timedelta(days=1)

    with count_statements(database, monkeypatch) as statements:
        week = await client.get(f"/app/calendar?week={tomorrow}")

    assert week.status_code == 200, week.text[-2000:]
    within(statements.seen, "week")
    assert f'href="/app/calendar?view=day&amp;day={tomorrow}">6 more on' in week.text
    with count_statements(database, monkeypatch) as statements:
        day = await client.get(f"/app/calendar?view=day&day={tomorrow}")
    assert day.status_code == 200, day.text[-2000:]
    within(statements.seen, "day")
    assert day.text.count('data-booking="') == 14


async def test_a_calendar_month_counts_each_day_in_one_statement(
    busy_client: tuple[httpx.AsyncClient, date],
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, today = busy_client
    tomorrow = today + timedelta(days=1)

    with count_statements(database, monkeypatch) as statements:
        month = await client.get(f"/app/calendar?view=month&day={tomorrow}")

    assert month.status_code == 200, month.text[-2000:]
    within(statements.seen, "month")
    assert re.search(r"14\s*booking", month.text), month.text[-3000:]


async def test_the_bookings_list_counts_only_so_many_pages_ahead(
    busy_client: tuple[httpx.AsyncClient, date],
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, _ = busy_client
    monkeypatch.setattr("maitred.bookings.service.browse.PAGES_AHEAD", 2)
    monkeypatch.setattr("maitred.dashboard.pages.bookings.PAGE_SIZE", 5)

    with count_statements(database, monkeypatch) as statements:
        listed = await client.get("/app/bookings")

    assert listed.status_code == 200, listed.text[-2000:]
    within(statements.seen, "list")
    assert "more than 10 bookings" in listed.text
    assert "Page 1 of 2 or more" in listed.text
    everything = await client.get("/app/bookings?status=cancelled")
    assert '<p class="muted" id="result-count">1 booking</p>' in everything.text


async def test_the_bookings_list_shows_the_apis_page_in_its_order(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=1)
    organization_id = book.organization.id
    ada = await given_customer(database, book, name="Ada Lovelace")
    grace = await given_customer(database, book, name="Grace Hopper")
    today = utcnow().date()
    for n in range(4):
        await given_bookings(database, organization_id, ada, today + timedelta(days=n), 2)
        await given_bookings(database, organization_id, grace, today + timedelta(days=n), 1)
    await given_bookings(database, organization_id, grace, today, 1, "cancelled")
    admin = await given_user(database, book.organization, "admin")
    tokens = await sign_in(client, admin.email)
    api = await client.get(
        "/api/v1/bookings?status=confirmed&sort=event_date&order=desc&limit=25",
        headers=bearer(tokens),
    )
    await signed_in_page(client, admin.email)

    page = await client.get("/app/bookings?status=confirmed")

    assert (api.status_code, page.status_code) == (200, 200)
    shown = re.findall(
        r'<a href="/app/bookings/([0-9a-f-]{36})">(BK-[0-9-]+)</a></td>\s*<td>[^<]*</td>'
        r"\s*<td>[^<]*</td>\s*<td>([^<]*)</td>",
        page.text,
    )
    expected = [
        (item["id"], item["reference_number"], item["customer"]["name"])
        for item in api.json()["items"]
    ]
    assert len(expected) == 12
    assert shown == expected
