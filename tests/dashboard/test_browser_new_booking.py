"""Staff book by phone: find the customer, pick a free time, the party and the menu, with the
quote updating as they go."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from maitred.bookings.models import Booking
from maitred.kit.db import Database
from tests.bookings.given import given_book, given_customer, saturday
from tests.dashboard.test_browser_sign_in import sign_in_through_page
from tests.factories import given_user

pytestmark = pytest.mark.browser


async def test_staff_book_an_existing_customer_with_menu_and_a_live_quote(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    book = await given_book(database)
    customer_id = await given_customer(
        database, book, name="Maria Lopez", email="maria@example.com"
    )
    staff = await given_user(database, book.organization, "staff")
    page = browser_page
    await sign_in_through_page(page, staff.email)
    await page.goto("/app/bookings/new")
    await accessible(page)

    await page.get_by_label("Find a customer").fill("Maria")
    await page.get_by_label("Maria Lopez").check()
    await page.get_by_label("Date").fill(saturday().isoformat())
    await page.get_by_label("Address").fill("123 Main St, Sacramento, CA 95814")
    await page.get_by_label("Guests").fill("12")
    await page.get_by_label("Hibachi Steak").fill("12")
    # 12 steaks at $35, a 20 % service fee and 10 % tax (seed 001's policy).
    await page.locator("#quote-total").filter(has_text="$546.00").wait_for()
    await page.wait_for_load_state("networkidle")
    await page.get_by_role("radio", name="18:00").check()
    await accessible(page)
    await page.get_by_role("button", name="Create booking").click()

    await page.get_by_role("status").filter(has_text="Booking created.").wait_for()
    assert await page.locator("#booking-total").inner_text() == "$546.00"
    async with database.transaction() as session:
        booking = await session.scalar(select(Booking))
    assert booking is not None
    assert (booking.customer_id, booking.guest_count, booking.status) == (
        customer_id,
        12,
        "pending",
    )
    assert booking.event_date == saturday()
    assert booking.event_time is not None
    assert booking.event_time.strftime("%H:%M") == "18:00"


async def test_a_booking_without_a_customer_shows_the_apis_message(
    browser_page: Any, database: Database
) -> None:
    book = await given_book(database)
    staff = await given_user(database, book.organization, "staff")
    page = browser_page
    await sign_in_through_page(page, staff.email)
    await page.goto("/app/bookings/new")

    await page.get_by_label("Date").fill(saturday().isoformat())
    await page.get_by_label("Guests").fill("12")
    await page.get_by_role("button", name="Create booking").click()

    await page.get_by_role("alert").wait_for()
    assert await page.get_by_role("alert").inner_text() == "Please correct the fields below."
    assert await page.locator(".field-error").first.inner_text() == (
        "String should have at least 1 character"
    )
    async with database.transaction() as session:
        assert (await session.scalars(select(Booking))).all() == []
