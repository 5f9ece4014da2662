"""The calendar: staff drag a booking to another day or team; a closed day refuses it, saying
why; the month shows each day's bookings and closed days."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from maitred.bookings.models import Booking
from maitred.kit.db import Database
from tests.bookings.given import given_book, given_customer, saturday, seed_001_form
from tests.dashboard.conftest import Server
from tests.dashboard.test_browser_sign_in import sign_in_through_page
from tests.factories import bearer, given_user, sign_in

pytestmark = pytest.mark.browser


async def _booked(database: Database, server: Server) -> tuple[Any, str]:
    book = await given_book(database)
    customer = await given_customer(database, book, name="Maria Lopez")
    manager = await given_user(database, book.organization, "manager")
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        made = await api.post(
            "/api/v1/bookings",
            json=seed_001_form(customer, book, status="pending", guest_count=12),
            headers=bearer(await sign_in(api, manager.email)),
        )
    assert made.status_code == 201, made.text
    return book, made.json()["id"]


async def _date_of(database: Database, booking_id: str) -> Any:
    async with database.transaction() as session:
        booking = await session.get(Booking, uuid.UUID(booking_id))
    assert booking is not None
    return booking.event_date


async def test_staff_drag_a_booking_to_the_next_day(
    browser_page: Any, database: Database, server: Server, width: str, accessible: Any
) -> None:
    book, booking_id = await _booked(database, server)
    staff = await given_user(database, book.organization, "staff")
    page = browser_page
    sunday = saturday() + timedelta(days=1)
    await sign_in_through_page(page, staff.email)
    await page.goto(f"/app/calendar?week={saturday().isoformat()}")
    await accessible(page)

    if width == "desk":
        await page.locator(f"[data-booking='{booking_id}']").drag_to(
            page.locator(f"[data-drop-date='{sunday.isoformat()}']")
        )
    else:  # on a phone, and for keyboards: the move form
        await page.get_by_label("New date").fill(sunday.isoformat())
        await page.get_by_role("button", name="Move booking").click()

    await page.get_by_role("status").filter(has_text="Booking moved.").wait_for()
    assert (
        await page.locator(f"[data-drop-date='{sunday.isoformat()}']")
        .get_by_text("Maria Lopez")
        .count()
        == 1
    )
    assert await _date_of(database, booking_id) == sunday


async def test_a_move_to_a_closed_day_is_refused_with_the_reason(
    browser_page: Any, database: Database, server: Server
) -> None:
    book, booking_id = await _booked(database, server)
    staff = await given_user(database, book.organization, "staff")
    page = browser_page
    monday = saturday() - timedelta(days=5)  # closed: the default calendar rests on Mondays
    await sign_in_through_page(page, staff.email)
    await page.goto(f"/app/calendar?week={saturday().isoformat()}")

    await page.get_by_label("New date").fill(monday.isoformat())
    await page.get_by_role("button", name="Move booking").click()

    refusal = page.locator("#move-refused")
    await refusal.wait_for()
    assert "closed" in (await refusal.inner_text()).lower()
    assert await _date_of(database, booking_id) == saturday()


async def test_staff_see_a_month_and_move_a_booking_to_another_teams_lane(
    browser_page: Any, database: Database, server: Server, width: str, accessible: Any
) -> None:
    book = await given_book(database, teams=2)
    customer = await given_customer(database, book, name="Maria Lopez")
    manager = await given_user(database, book.organization, "manager")
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        made = await api.post(
            "/api/v1/bookings",
            json=seed_001_form(customer, book, status="pending", guest_count=12),
            headers=bearer(await sign_in(api, manager.email)),
        )
    assert made.status_code == 201, made.text
    booking_id = made.json()["id"]
    async with database.transaction() as session:
        booked = await session.get(Booking, uuid.UUID(booking_id))
    assert booked is not None
    other = next(team for team in book.teams if team != booked.chef_team_id)
    page = browser_page
    await sign_in_through_page(page, manager.email)

    await page.goto(f"/app/calendar?view=month&day={saturday().isoformat()}")
    cell = page.locator(f"[data-month-day='{saturday().isoformat()}']")
    assert "1 booking" in await cell.inner_text()
    monday = saturday() - timedelta(days=5)
    if monday.month == saturday().month:
        assert "Closed" in await page.locator(f"[data-month-day='{monday}']").inner_text()
    await accessible(page)
    await cell.get_by_role("link").click()
    await page.locator("#day-title").wait_for()
    await accessible(page)

    if width == "desk":
        await page.locator(f"[data-booking='{booking_id}']").drag_to(
            page.locator(f"[data-drop-team='{other}']")
        )
    else:
        await page.get_by_label("Team (optional)").select_option(str(other))
        await page.get_by_role("button", name="Move booking").click()

    await page.get_by_role("status").filter(has_text="Booking moved.").wait_for()
    lane = page.locator(f"[data-drop-team='{other}']")
    assert await lane.get_by_text("Maria Lopez").count() == 1
    async with database.transaction() as session:
        moved = await session.get(Booking, uuid.UUID(booking_id))
    assert moved is not None
    assert (moved.chef_team_id, moved.event_date) == (other, saturday())
