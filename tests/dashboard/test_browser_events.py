"""Events (studios): staff book a customer's seat; a facilitator sees only their own events."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from maitred.bookings.models import Booking
from maitred.events.models import Event
from maitred.kit.db import Database
from tests.bookings.seats_given import given_event
from tests.dashboard.given import signed_in_page
from tests.dashboard.test_browser_sign_in import sign_in_through_page
from tests.factories import given_organization, given_user


@pytest.mark.browser
async def test_staff_book_a_seat_for_a_customer(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    organization = await given_organization(database, "Lotus Flow Studio")
    event_id = await given_event(database, organization, seats=5)
    staff = await given_user(database, organization, "staff")
    page = browser_page
    await sign_in_through_page(page, staff.email)
    await page.get_by_role("link", name="Events").click()
    await accessible(page)
    await page.get_by_role("link", name="Morning Meditation Session").click()

    await page.get_by_label("Name").fill("Priya Patel")
    await page.get_by_label("Email").fill("priya@example.com")
    await page.get_by_role("button", name="Book seat").click()

    await page.get_by_role("status").filter(has_text="Seat booked.").wait_for()
    assert await page.locator("#seats-taken").inner_text() == "1 of 5 taken"
    await accessible(page)
    async with database.transaction() as session:
        event = await session.get(Event, event_id)
        seats = (await session.scalars(select(Booking).where(Booking.event_id == event_id))).all()
    assert event is not None
    assert event.seats_taken == 1
    assert [s.status for s in seats] == ["confirmed"]


async def test_a_facilitator_without_a_profile_sees_no_events(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database, "Lotus Flow Studio")
    event_id = await given_event(database, organization)
    facilitator = await given_user(database, organization, "facilitator")
    await signed_in_page(client, facilitator.email)

    listing = await client.get("/app/events")
    detail = await client.get(f"/app/events/{event_id}")

    assert listing.status_code == 200
    assert "Morning Meditation Session" not in listing.text
    assert detail.status_code == 404
