"""The public booking page from an empty browser to a pending booking with its deposit link."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from maitred.bookings.models import Booking
from maitred.kit.db import Database
from tests.bookings.given import SEED_000_MENU, SEED_000_POLICY, given_book, saturday

pytestmark = pytest.mark.browser


async def test_a_visitor_books_a_date_and_gets_a_reference_and_deposit_link(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU)
    page = browser_page
    day = saturday()

    await page.goto(f"/book/{book.organization.slug}")
    await accessible(page)
    await page.get_by_label("Guests").fill("10")
    await page.get_by_label("Date").fill(day.isoformat())
    await page.get_by_role("radio").first.wait_for()
    first_time = await page.get_by_role("radio").first.get_attribute("value")
    await page.get_by_text("Estimated total").wait_for()
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
    assert booking.event_time is not None
    assert booking.event_time.strftime("%H:%M") == first_time


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
