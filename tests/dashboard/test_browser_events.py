"""Events (studios): staff book a customer's seat, put the next in line on a full event's waitlist
and find a series' events; a facilitator sees only their own events."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from maitred.bookings.models import Booking
from maitred.events.models import Event
from maitred.kit.db import Database
from maitred.waitlist.models import WaitlistEntry
from tests.bookings.seats_given import given_event
from tests.dashboard.conftest import Server
from tests.dashboard.given import signed_in_page
from tests.dashboard.test_browser_sign_in import sign_in_through_page
from tests.factories import bearer, given_organization, given_user, sign_in


@pytest.mark.browser
async def test_staff_book_a_seat_queue_the_next_customer_and_find_a_series(
    browser_page: Any, database: Database, server: Server, accessible: Any
) -> None:
    organization = await given_organization(database, "Lotus Flow Studio")
    event_id = await given_event(database, organization, seats=1)
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
    assert await page.locator("#seats-taken").inner_text() == "1 of 1 taken"
    await page.get_by_label("Waiting customer's name").fill("Omar Haddad")
    await page.get_by_label("Waiting customer's phone").fill("+19165550188")
    await page.get_by_role("button", name="Add to waitlist").click()
    await page.get_by_role("status").filter(has_text="Added to the waitlist.").wait_for()
    assert "Omar Haddad" in await page.locator("#waitlist").inner_text()
    await accessible(page)
    async with database.transaction() as session:
        event = await session.get(Event, event_id)
        seats = (await session.scalars(select(Booking).where(Booking.event_id == event_id))).all()
        queued = (
            await session.scalars(select(WaitlistEntry).where(WaitlistEntry.event_id == event_id))
        ).all()
    assert event is not None
    assert event.seats_taken == 1
    assert [s.status for s in seats] == ["confirmed"]
    assert [q.status for q in queued] == ["waiting"]

    manager = await given_user(database, organization, "manager")
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        made = await api.post(
            "/api/v1/events/series",
            json={
                "title": "Sunset Yoga",
                "event_type": "session",
                "start_datetime": "2031-06-02T18:00:00",
                "end_datetime": "2031-06-02T19:00:00",
                "max_participants": 12,
                "weekdays": [1],
                "count": 3,
            },
            headers=bearer(await sign_in(api, manager.email)),
        )
    assert made.status_code == 201, made.text
    await page.goto("/app/events")
    await page.get_by_role("link", name="Repeats: the series of Sunset Yoga").first.click()
    await page.get_by_text("One series").wait_for()
    assert await page.get_by_role("link", name="Sunset Yoga", exact=True).count() == 3
    assert await page.get_by_role("link", name="Morning Meditation Session").count() == 0
    await accessible(page)


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
