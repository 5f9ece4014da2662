"""The public booking page over HTTP: spam, unknown businesses, the confirmation's seal."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from maitred.bookings.models import Booking
from maitred.kit.db import Database
from tests.bookings.given import SEED_000_MENU, SEED_000_POLICY, given_book, saturday
from tests.dashboard.given import form_token


def _form(token: str, **changes: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "event_date": saturday().isoformat(),
        "event_time": "18:00",
        "guest_count": "12",
        "event_type": "birthday",
        "location": "123 Main St, Sacramento, CA 95814",
        "name": "Jane Smith",
        "phone": "+19165550123",
        "email": "jane@example.com",
        **changes,
    }


async def _bookings(database: Database) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(Booking)) or 0)


async def test_a_filled_honeypot_looks_like_success_and_books_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU)
    page = await client.get(f"/book/{book.organization.slug}")

    answer = await client.post(
        f"/book/{book.organization.slug}", data=_form(form_token(page.text), website="http://spam")
    )

    assert answer.status_code == 303
    confirmation = await client.get(answer.headers["location"])
    assert "Request received" in confirmation.text
    assert "Pay the deposit" not in confirmation.text
    assert await _bookings(database) == 0


async def test_a_request_books_once_and_its_confirmation_cannot_be_forged(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU)
    slug = book.organization.slug
    page = await client.get(f"/book/{slug}")

    answer = await client.post(f"/book/{slug}", data=_form(form_token(page.text)))
    forged = await client.get(f"/book/{slug}/requested?c=BK-2026-000001")

    assert answer.status_code == 303
    shown = await client.get(answer.headers["location"])
    async with database.transaction() as session:
        booking = await session.scalar(select(Booking))
    assert booking is not None
    assert booking.status == "pending"
    assert booking.guest_count == 12
    assert booking.reference_number in shown.text
    assert forged.status_code == 404


async def test_an_unknown_business_has_no_page(
    client: httpx.AsyncClient, database: Database
) -> None:
    answer = await client.get("/book/no-such-business")

    assert answer.status_code == 404
    assert "Not found" in answer.text


async def test_free_times_and_the_estimate_for_a_date(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU)

    answer = await client.get(
        f"/book/{book.organization.slug}/slots",
        params={"event_date": saturday().isoformat(), "guest_count": "10"},
    )
    quote = await client.get(f"/book/{book.organization.slug}/quote", params={"guest_count": "10"})

    assert answer.status_code == quote.status_code == 200
    assert 'type="radio" name="event_time"' in answer.text
    assert 'id="quote-total">$' in quote.text


async def test_a_full_date_offers_the_next_dates_that_have_free_times(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU, teams=1)
    slug = book.organization.slug
    page = await client.get(f"/book/{slug}")
    taken = await client.post(f"/book/{slug}", data=_form(form_token(page.text)))

    answer = await client.get(
        f"/book/{slug}/slots", params={"event_date": saturday().isoformat(), "guest_count": "10"}
    )

    assert taken.status_code == 303
    assert 'id="date-unavailable"' in answer.text
    assert 'type="radio"' not in answer.text
    assert "data-set-date=" in answer.text
    assert f'data-set-date="{saturday().isoformat()}"' not in answer.text
