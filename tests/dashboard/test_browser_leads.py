"""The leads board: staff move a lead on, note it, assign it to a colleague, mark one lost with
the reason the API asks for, and convert one into a customer and a booking."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from maitred.bookings.models import Booking
from maitred.kit.db import Database
from maitred.leads.models import Lead, LeadNote
from tests.bookings.given import given_book, saturday
from tests.dashboard.conftest import Server
from tests.dashboard.test_browser_sign_in import sign_in_through_page
from tests.factories import given_user

pytestmark = pytest.mark.browser


async def _lead(server: Server, slug: str, name: str) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        made = await api.post(
            "/api/v1/public/leads",
            json={"name": name, "phone": "+19165550142", "message": "Birthday for 20"},
            headers={"X-Tenant-ID": slug},
        )
    assert made.status_code == 201, made.text


async def _stored(database: Database, name: str) -> Lead:
    async with database.transaction() as session:
        lead = await session.scalar(select(Lead).where(Lead.name == name))
    assert lead is not None
    return lead


def _card(page: Any, name: str) -> Any:
    return page.get_by_role("article", name=name)


async def _work_on(page: Any, name: str, *, status: str, reason: str = "") -> None:
    card = _card(page, name)
    await card.get_by_text(f"Work on {name}").click()
    await card.get_by_label(f"Move {name} to").select_option(status)
    if reason:
        await card.get_by_label("Why lost (when lost)").fill(reason)
    await card.get_by_role("button", name="Move").click()


async def test_staff_move_a_lead_on_note_it_and_lose_another_with_a_reason(
    browser_page: Any, database: Database, server: Server, accessible: Any
) -> None:
    book = await given_book(database)
    await _lead(server, book.organization.slug, "Ann Rivera")
    await _lead(server, book.organization.slug, "Ben Cole")
    staff = await given_user(database, book.organization, "staff")
    colleague = await given_user(database, book.organization, "staff", full_name="Kim Lee")
    page = browser_page
    await sign_in_through_page(page, staff.email)
    await page.goto("/app/leads")
    await accessible(page)

    await _work_on(page, "Ann Rivera", status="contacted")
    await page.get_by_role("status").filter(has_text="Lead moved.").wait_for()
    ann = _card(page, "Ann Rivera")
    await ann.get_by_text("Work on Ann Rivera").click()
    await ann.get_by_label("Note on Ann Rivera").fill("Called, wants a quote for June")
    await ann.get_by_role("button", name="Add note").click()
    await page.get_by_role("status").filter(has_text="Note added.").wait_for()
    await _work_on(page, "Ben Cole", status="lost")
    await page.get_by_role("alert").filter(has_text="Say why the lead was lost").wait_for()
    assert (await _stored(database, "Ben Cole")).status == "new"
    await _work_on(page, "Ben Cole", status="lost", reason="Booked another caterer")
    await page.get_by_role("status").filter(has_text="Lead moved.").wait_for()
    await accessible(page)

    ann = _card(page, "Ann Rivera")
    await ann.get_by_text("Work on Ann Rivera").click()
    await ann.get_by_label("Assign Ann Rivera to").select_option(label="Kim Lee")
    await ann.get_by_role("button", name="Assign").click()
    await page.get_by_role("status").filter(has_text="Lead assigned.").wait_for()
    assert (await _stored(database, "Ann Rivera")).assigned_to == colleague.id

    ann = _card(page, "Ann Rivera")
    await ann.get_by_text("Work on Ann Rivera").click()
    await ann.get_by_label("Event date").fill(saturday().isoformat())
    await ann.get_by_label("Event time").fill("18:00")
    await ann.get_by_label("Guests").fill("20")
    await ann.get_by_label("Location").fill("123 Main St, Los Angeles, CA 90001")
    await ann.get_by_role("button", name="Convert").click()
    await page.get_by_role("status").filter(has_text="Booking created.").wait_for()
    await accessible(page)

    ann, ben = await _stored(database, "Ann Rivera"), await _stored(database, "Ben Cole")
    assert ann.status == "won"
    async with database.transaction() as session:
        booking = await session.get(Booking, ann.booking_id)
    assert booking is not None
    assert (booking.customer_id, booking.guest_count) == (ann.customer_id, 20)
    assert (ben.status, ben.lost_reason) == ("lost", "Booked another caterer")
    async with database.transaction() as session:
        notes = (await session.scalars(select(LeadNote).where(LeadNote.lead_id == ann.id))).all()
    assert [n.body for n in notes] == ["Called, wants a quote for June"]
