"""Staff work a booking in the browser: find it, confirm it with a reason, take the deposit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from maitred.bookings.models import Booking, BookingStatusChange
from maitred.kit.db import Database
from maitred.payments.models import Payment
from tests.bookings.given import SEED_000_MENU, SEED_000_POLICY, given_book, given_customer
from tests.dashboard.conftest import Server
from tests.dashboard.test_browser_sign_in import sign_in_through_page
from tests.factories import given_user

pytestmark = pytest.mark.browser


async def _pending_booking(database: Database, server: Server) -> tuple[Any, str]:
    import httpx

    from tests.bookings.given import seed_001_form
    from tests.factories import bearer, sign_in

    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU)
    customer = await given_customer(database, book, name="Maria Lopez")
    manager = await given_user(database, book.organization, "manager")
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        tokens = await sign_in(api, manager.email)
        made = await api.post(
            "/api/v1/bookings",
            json=seed_001_form(customer, book, status="pending", menu_items=[], guest_count=20),
            headers=bearer(tokens),
        )
    assert made.status_code == 201, made.text
    return book, made.json()["reference_number"]


async def test_staff_find_a_booking_and_record_its_deposit_which_confirms_it(
    browser_page: Any, database: Database, server: Server, accessible: Any
) -> None:
    book, reference = await _pending_booking(database, server)
    staff = await given_user(database, book.organization, "staff")
    page = browser_page
    await sign_in_through_page(page, staff.email)

    await page.goto("/app/bookings")
    await accessible(page)
    await page.get_by_label("Search").fill("Maria")
    # The list held this one booking before the search too: wait for the search's own answer
    # (htmx pushes its URL once swapped), or its late history push cancels the click's navigation.
    await page.wait_for_url("**/app/bookings?search=Maria*")
    await page.locator("#result-count").filter(has_text="1 booking").wait_for()
    await page.get_by_role("link", name=reference).click()
    await page.get_by_role("heading", name=f"Booking {reference}").wait_for()
    await accessible(page)
    await page.get_by_label("Method").select_option("cash")
    await page.get_by_role("button", name="Record payment").click()

    await page.get_by_role("status").filter(has_text="Payment recorded.").wait_for()
    assert await page.locator("#booking-status").inner_text() == "Confirmed"
    async with database.transaction() as session:
        booking = await session.scalar(select(Booking).where(Booking.reference_number == reference))
        assert booking is not None
        payments = (
            await session.scalars(select(Payment).where(Payment.booking_id == booking.id))
        ).all()
    assert booking.status == "confirmed"
    assert [(p.method, p.status, p.purpose) for p in payments] == [("cash", "succeeded", "deposit")]
    assert payments[0].amount == booking.deposit_amount > Decimal(0)


async def test_staff_change_a_status_with_a_reason(
    browser_page: Any, database: Database, server: Server
) -> None:
    book, reference = await _pending_booking(database, server)
    staff = await given_user(database, book.organization, "staff")
    page = browser_page
    await sign_in_through_page(page, staff.email)
    await page.goto(f"/app/bookings?search={reference}")
    await page.get_by_role("link", name=reference).click()

    await page.get_by_label("New status").select_option("cancelled")
    await page.locator("#status-reason").fill("The party moved abroad")
    await page.get_by_role("button", name="Change status").click()

    await page.get_by_role("status").filter(has_text="Status changed.").wait_for()
    assert await page.locator("#booking-status").inner_text() == "Cancelled"
    async with database.transaction() as session:
        booking = await session.scalar(select(Booking).where(Booking.reference_number == reference))
        assert booking is not None
        changes = (
            await session.scalars(
                select(BookingStatusChange).where(BookingStatusChange.booking_id == booking.id)
            )
        ).all()
    assert booking.status == "cancelled"
    assert [(c.to_status, c.reason) for c in changes][-1] == (
        "cancelled",
        "The party moved abroad",
    )


async def test_a_refused_move_shows_why_and_changes_nothing(
    browser_page: Any, database: Database, server: Server
) -> None:
    book, reference = await _pending_booking(database, server)
    staff = await given_user(database, book.organization, "staff")
    page = browser_page
    await sign_in_through_page(page, staff.email)
    await page.goto(f"/app/bookings?search={reference}")
    await page.get_by_role("link", name=reference).click()

    await page.get_by_label("New status").select_option("completed")
    await page.get_by_role("button", name="Change status").click()

    alert = page.get_by_role("alert").first
    await alert.wait_for()
    assert "pending" in (await alert.inner_text()).lower()
    async with database.transaction() as session:
        booking = await session.scalar(select(Booking).where(Booking.reference_number == reference))
    assert booking is not None
    assert booking.status == "pending"


async def test_a_manager_edits_sends_the_link_refunds_and_cancels_a_booking(
    browser_page: Any, database: Database, server: Server, accessible: Any
) -> None:
    from datetime import timedelta

    from maitred.messaging.models import Message
    from maitred.payments.models import Refund
    from tests.bookings.given import saturday

    book, reference = await _pending_booking(database, server)
    manager = await given_user(database, book.organization, "manager")
    page = browser_page
    await sign_in_through_page(page, manager.email)
    await page.goto(f"/app/bookings?search={reference}")
    await page.get_by_role("link", name=reference).click()
    before = await page.locator("#booking-total").inner_text()

    # A past date is refused live, before anything is saved; more guests are re-quoted live.
    await page.get_by_label("Date", exact=True).fill((saturday() - timedelta(weeks=8)).isoformat())
    await page.locator("#requote-refused").wait_for()
    await page.get_by_label("Date", exact=True).fill(saturday().isoformat())
    await page.get_by_label("Guests").fill("30")
    await page.locator("#requote-total").filter(has_not_text=before).wait_for()
    quoted = await page.locator("#requote-total").inner_text()
    await accessible(page)
    await page.get_by_role("button", name="Save changes").click()
    await page.get_by_role("status").filter(has_text="Booking saved.").wait_for()
    assert await page.locator("#booking-total").inner_text() == quoted

    await page.get_by_role("button", name="Copy link").click()
    await page.get_by_role("status").filter(has_text="Link copied.").wait_for()
    link = await page.locator("#deposit-link").input_value()
    await page.get_by_role("button", name="Send link to the customer").click()
    await page.get_by_role("status").filter(has_text="Deposit link sent").wait_for()

    await page.get_by_label("Method").select_option("cash")
    await page.get_by_role("button", name="Record payment").click()
    await page.get_by_role("status").filter(has_text="Payment recorded.").wait_for()
    await page.locator("#refund-proposal").filter(has_text="proposes").wait_for()
    await page.get_by_label("Refund amount").fill("50.00")
    await page.get_by_label("Refund reason").fill("Smaller party than planned")
    await page.get_by_role("button", name="Make refund").click()
    await page.get_by_role("status").filter(has_text="Refund made.").wait_for()

    await page.get_by_label("Why cancel").fill("Moved abroad")
    await page.get_by_role("button", name="Cancel booking").click()
    await page.get_by_role("status").filter(has_text="Booking cancelled.").wait_for()
    await accessible(page)

    async with database.transaction() as session:
        booking = await session.scalar(select(Booking).where(Booking.reference_number == reference))
        assert booking is not None
        sent = (
            await session.scalars(
                select(Message).where(
                    Message.booking_id == booking.id, Message.template == "deposit_request"
                )
            )
        ).all()
        refunds = (await session.scalars(select(Refund))).all()
    assert booking.guest_count == 30
    assert f"{booking.total_amount:,.2f}" in quoted
    # Each link carries a fresh token; the one sent is the same page to pay on.
    pay_page = link.split("token=")[0] + "token="
    assert pay_page.startswith(server.base_url)
    assert any(pay_page in m.body_text for m in sent)
    assert [(r.amount, r.reason, r.status) for r in refunds] == [
        (Decimal("50.00"), "Smaller party than planned", "succeeded")
    ]
    assert (booking.status, booking.cancellation_reason) == ("cancelled", "Moved abroad")
