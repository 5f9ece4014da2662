"""The public booking page from an empty browser to a pending booking with its deposit link."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from maitred.bookings.models import Booking
from maitred.kit.db import Database
from maitred.leads.models import Lead
from maitred.waitlist.models import WaitlistEntry
from tests.bookings.given import SEED_000_MENU, SEED_000_POLICY, given_book, saturday
from tests.bookings.seats_given import given_event
from tests.dashboard.conftest import Server
from tests.demo_server import free_port
from tests.factories import given_organization

pytestmark = pytest.mark.browser
POLICY = {
    "pricing": {
        **SEED_000_POLICY["pricing"],
        "upgrades": [{"name": "Lobster", "price_per_person": 15}],
    }
}


async def test_a_visitor_books_a_date_and_gets_a_reference_and_deposit_link(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    book = await given_book(database, settings=POLICY, menu=SEED_000_MENU)
    page = browser_page
    day = saturday()

    await page.goto(f"/book/{book.organization.slug}")
    await accessible(page)
    await page.get_by_label("Guests").fill("10")
    await page.get_by_label("Date").fill(day.isoformat())
    await page.get_by_role("radio").first.wait_for()
    first_time = await page.get_by_role("radio").first.get_attribute("value")
    await page.get_by_text("Estimated total").wait_for()
    without = await page.locator("#quote-total").inner_text()
    await page.get_by_label("Of whom children").fill("2")
    await page.get_by_label("Lobster (+$15.00 each)").fill("3")
    await page.keyboard.press("Tab")  # a number counts once it is entered, as on a phone
    await page.get_by_text("Lobster × 3").wait_for()
    quoted = await page.locator("#quote-total").inner_text()
    assert quoted != without
    await accessible(page)
    await page.get_by_label("Address (street, city, zip code)").fill(
        "123 Main St, Sacramento, CA 95814"
    )
    await page.get_by_label("Name", exact=True).fill("Jane Smith")
    await page.get_by_label("Phone").fill("+19165550123")
    await page.get_by_label("Email (optional)").fill("jane@example.com")
    await page.get_by_role("button", name="Request booking").click()

    await page.get_by_role("heading", name="Request received").wait_for()
    reference = await page.locator("#reference").inner_text()
    link = await page.get_by_role("link", name="Pay the deposit now").get_attribute("href")
    assert link is not None
    assert "/api/v1/public/payments/pay?token=" in link
    await accessible(page)
    async with database.transaction() as session:
        booking = await session.scalar(select(Booking).where(Booking.reference_number == reference))
    assert booking is not None
    assert (booking.status, booking.event_date, booking.guest_count) == ("pending", day, 10)
    assert booking.child_count == 2
    assert f"${booking.total_amount:,.2f}" == quoted
    assert booking.event_time is not None
    assert booking.event_time.strftime("%H:%M") == first_time


async def test_a_visitor_takes_a_seat_and_the_next_one_queues(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    studio = await given_organization(database, "Quiet Studio")
    event_id = await given_event(database, studio, seats=1)
    page = browser_page

    for name, button, heading in (
        ("Jane Smith", "Book a seat", "Your seat is booked"),
        ("Sam Lee", "Join the waitlist", "You are on the waitlist"),
    ):
        await page.goto(f"/book/{studio.slug}/events")
        await page.get_by_role("link", name="Morning Meditation Session").click()
        await accessible(page)
        await page.get_by_label("Name", exact=True).fill(name)
        await page.get_by_label("Phone").fill(
            "+19165550123" if name == "Jane Smith" else "+19165550199"
        )
        await page.get_by_role("button", name=button).click()
        await page.get_by_role("heading", name=heading).wait_for()
        await accessible(page)
    async with database.transaction() as session:
        seats = (await session.scalars(select(Booking))).all()
        queued = (await session.scalars(select(WaitlistEntry))).all()
    assert [(s.event_id, s.status) for s in seats] == [(event_id, "confirmed")]
    assert [(q.event_id, q.status) for q in queued] == [(event_id, "waiting")]


async def test_the_api_messages_show_next_to_their_fields_and_nothing_is_booked(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    book = await given_book(database)
    page = browser_page

    await page.goto(f"/book/{book.organization.slug}")
    await page.get_by_label("Name", exact=True).fill("J")
    await page.get_by_label("Phone").fill("12")
    await page.get_by_role("button", name="Request booking").click()

    await page.locator("#e-name").wait_for()
    assert await page.locator("#e-name").inner_text() == "Name must be 2-100 characters"
    assert (
        await page.locator("#e-event_date").inner_text() == "Field is required and cannot be empty"
    )
    assert (
        await page.locator("#e-guest_count").inner_text() == "Field is required and cannot be empty"
    )
    assert await page.get_by_label("Name", exact=True).input_value() == "J"
    await accessible(page)
    async with database.transaction() as session:
        assert (await session.scalars(select(Booking))).all() == []


@contextlib.contextmanager
def _business_site(html: str, port: int) -> Iterator[str]:
    """The business's own site: another server (and another site, `localhost` rather than
    `127.0.0.1`) whose one page embeds ours."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{port}"
    finally:
        site.shutdown()
        site.server_close()


def _embedding_page(server: Server, slug: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><title>Our site</title></head><body>'
        f'<iframe title="Booking" src="{server.base_url}/book/{slug}?embed=1" '
        'onload="this.dataset.loaded = 1" style="width:400px;height:600px"></iframe>'
        f'<script src="{server.base_url}/book/embed.js" data-business="{slug}" defer></script>'
        "</body></html>"
    )


@pytest.mark.parametrize("width", ["desk"], indirect=True)
async def test_a_site_frames_the_page_only_when_its_origin_is_allowed(
    browser_page: Any, database: Database, server: Server
) -> None:
    page = browser_page
    port = free_port()
    allowed = await given_organization(
        database,
        "Framed Place",
        settings={"booking_page": {"allowed_origins": [f"http://localhost:{port}"]}},
    )
    refused = await given_organization(database, "Unframed Place")

    with _business_site(_embedding_page(server, refused.slug), port) as site:
        await page.goto(site)
        await page.locator("iframe[data-loaded]").wait_for(state="attached")
        assert [f.url for f in page.frames[1:]] == ["chrome-error://chromewebdata/"]
        assert await page.frame_locator("iframe").get_by_role("heading").count() == 0

    with _business_site(_embedding_page(server, allowed.slug), port) as site:
        await page.goto(site)
        await (
            page.frame_locator("iframe")
            .get_by_role("heading", name=f"Book {allowed.name}")
            .wait_for()
        )
        # The script's button opens the page over the site; its forms work in the frame,
        # where the browser does not send our cookies.
        await page.get_by_role("button", name="Book now").click()
        overlay = page.get_by_role("dialog", name="Booking").frame_locator("iframe")
        await overlay.get_by_role("link", name="Ask us a question").click()
        await overlay.get_by_label("Name", exact=True).fill("Jane Smith")
        await overlay.get_by_label("Phone").fill("+19165550123")
        await overlay.get_by_label("Your question").fill("Can you come to our office?")
        await overlay.get_by_role("button", name="Send").click()
        await overlay.get_by_role("heading", name="Thank you").wait_for()
        await page.get_by_role("button", name="Close").click()
        await page.get_by_role("dialog").wait_for(state="detached")
    async with database.transaction() as session:
        lead = await session.scalar(select(Lead).where(Lead.organization_id == allowed.id))
    assert lead is not None
    assert lead.message == "Can you come to our office?"
