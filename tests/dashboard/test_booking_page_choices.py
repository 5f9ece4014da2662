"""The public booking page's party, menu and upgrades over HTTP: the live quote is what the
booking is priced at; the API's messages in the visitor's language; forged forms and floods."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from sqlalchemy import func, select

import maitred.booking_page
from maitred.app import create_app
from maitred.bookings.models import Booking, BookingLine
from maitred.config import Settings
from maitred.kit import i18n
from maitred.kit.db import Database
from maitred.menu.models import MenuItem
from tests.bookings.given import SEED_001_POLICY, Book, given_book, saturday
from tests.dashboard.given import form_token

TEMPLATES = Path(maitred.booking_page.__file__).parent / "templates"
WORD = re.compile(r'(?<![\w.])t\("([^"]*)"')
POLICY = {
    "pricing": {
        **SEED_001_POLICY["pricing"],
        "upgrades": [{"name": "Lobster", "price_per_person": 15}],
    }
}


def _party(book: Book, **changes: str) -> dict[str, str]:
    return {
        "event_date": saturday().isoformat(),
        "event_time": "18:00",
        "guest_count": "10",
        "child_count": "2",
        "event_type": "birthday",
        "location": "123 Main St, Sacramento, CA 95814",
        f"menu_{book.menu['Hibachi Chicken']}": "4",
        f"menu_{book.menu['Hibachi Steak']}": "6",
        "upgrade_Lobster": "3",
        "name": "Jane Smith",
        "phone": "+19165550123",
        **changes,
    }


async def _count(database: Database, model: type) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_the_booking_costs_what_the_live_quote_said(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=POLICY)
    slug = book.organization.slug
    page = await client.get(f"/book/{slug}")
    party = _party(book)

    quote = await client.get(f"/book/{slug}/quote", params=party)
    answer = await client.post(f"/book/{slug}", data={**party, "csrf_token": form_token(page.text)})

    assert "Hibachi Steak × 6" in quote.text
    assert "Lobster × 3" in quote.text
    quoted = re.search(r'id="quote-total">\$([\d,.]+)<', quote.text)
    assert quoted is not None
    assert answer.status_code == 303, answer.text
    async with database.transaction() as session:
        booking = await session.scalar(select(Booking))
        assert booking is not None
        lines = {
            line.name: line.quantity
            for line in await session.scalars(
                select(BookingLine).where(BookingLine.booking_id == booking.id)
            )
        }
    assert (booking.guest_count, booking.child_count) == (10, 2)
    assert f"{booking.total_amount:,.2f}" == quoted.group(1)
    assert lines == {"Hibachi Chicken": 4, "Hibachi Steak": 6}
    assert "Lobster" in str(booking.pricing)


async def test_spanish_messages_sit_next_to_their_fields_and_nothing_is_booked(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=POLICY)
    slug = book.organization.slug
    page = await client.get(f"/book/{slug}")

    answer = await client.post(
        f"/book/{slug}",
        data={**_party(book, name="J", child_count="12"), "csrf_token": form_token(page.text)},
        headers={"Accept-Language": "es"},
    )

    assert answer.status_code == 422
    assert re.search(r'id="e-name">[^<]*caracteres', answer.text), answer.text
    assert 'id="e-child_count"' in answer.text
    assert 'value="J"' in answer.text
    assert await _count(database, Booking) == 0


async def test_a_form_from_another_site_or_without_our_token_books_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=POLICY)
    slug = book.organization.slug
    page = await client.get(f"/book/{slug}")
    token = form_token(page.text)
    other = await given_book(database, settings=POLICY, name="Other Place")
    theirs = form_token((await client.get(f"/book/{other.organization.slug}")).text)

    answers = [
        await client.post(f"/book/{slug}", data=_party(book)),
        await client.post(f"/book/{slug}", data={**_party(book), "csrf_token": "1.forged"}),
        await client.post(f"/book/{slug}", data={**_party(book), "csrf_token": theirs}),
        await client.post(
            f"/book/{slug}",
            data={**_party(book), "csrf_token": token},
            headers={"Origin": "https://attacker.example"},
        ),
    ]

    assert [a.status_code for a in answers] == [403, 403, 403, 403]
    assert await _count(database, Booking) == 0


async def test_requests_from_one_address_are_limited(
    settings: Settings, database: Database
) -> None:
    book = await given_book(database, settings=POLICY)
    slug = book.organization.slug
    limited = settings.model_copy(
        update={"rate_limit_enabled": True, "rate_limit_public": "3/minute"}
    )
    app = create_app(limited, database=database)
    transport = httpx.ASGITransport(app=app, client=("192.0.2.45", 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            token = form_token((await c.get(f"/book/{slug}")).text)
            style = await c.get("/static/app.css")
            answers = [
                (
                    await c.post(
                        f"/book/{slug}",
                        data={**_party(book), "csrf_token": token},
                    )
                ).status_code
                for _ in range(3)
            ]
    finally:
        await app.state.rate_limiter.aclose()

    assert style.status_code == 200  # the page's own assets are not counted
    assert 429 not in answers[:2]
    assert answers[2] == 429
    assert await _count(database, Booking) == answers.count(303)


async def test_the_page_speaks_spanish_and_every_word_it_says_has_a_translation(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=POLICY)
    words: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        words |= set(WORD.findall(template.read_text()))

    page = await client.get(f"/book/{book.organization.slug}", headers={"Accept-Language": "es"})

    assert page.status_code == 200
    assert '<html lang="es">' in page.text
    assert "Solicitar reserva" in page.text
    assert 'for="f-guest_count">Invitados<' in page.text
    untranslated = sorted(w for w in words if i18n.catalog("es").exact.get(w) in (None, ""))
    assert untranslated == []


async def test_a_dish_taken_off_the_menu_meanwhile_is_refused_not_dropped(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=POLICY)
    slug = book.organization.slug
    page = await client.get(f"/book/{slug}")
    async with database.transaction() as session:
        steak = await session.get(MenuItem, book.menu["Hibachi Steak"])
        assert steak is not None
        steak.is_active = False

    answer = await client.post(
        f"/book/{slug}", data={**_party(book), "csrf_token": form_token(page.text)}
    )

    assert answer.status_code == 422
    assert "No such menu item" in answer.text
    assert f'name="menu_{book.menu["Hibachi Steak"]}"' not in answer.text
    assert await _count(database, Booking) == 0
