"""Who may open which page, and forms that did not come from our own pages."""

from __future__ import annotations

import httpx
import pytest

from maitred.kit.db import Database
from tests.bookings.given import (
    SEED_000_MENU,
    SEED_000_POLICY,
    given_book,
    given_customer,
    seed_001_form,
    staff_of,
)
from tests.dashboard.given import form_token, signed_in_page
from tests.factories import given_user, signed_in_as


async def _pending(client: httpx.AsyncClient, database: Database, name: str = "Hibachi") -> tuple:
    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU, name=name)
    staff = await staff_of(client, database, book)
    customer = await given_customer(database, book)
    made = await client.post(
        "/api/v1/bookings",
        json=seed_001_form(customer, book, status="pending", menu_items=[]),
        headers=staff.headers,
    )
    assert made.status_code == 201, made.text
    return book, made.json()["id"], staff


async def _status(client: httpx.AsyncClient, booking_id: str, headers: dict[str, str]) -> str:
    status: str = (await client.get(f"/api/v1/bookings/{booking_id}", headers=headers)).json()[
        "status"
    ]
    return status


async def test_signed_out_pages_send_the_browser_to_sign_in_and_back(
    client: httpx.AsyncClient,
) -> None:
    answer = await client.get("/app/bookings?status=pending")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/app/sign-in?next=%2Fapp%2Fbookings%3Fstatus%3Dpending"
    assert (await client.get("/")).headers["location"] == "/app/sign-in"


async def test_a_customer_account_has_no_dashboard(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    customer = await given_user(database, book.organization, "customer")
    await signed_in_page(client, customer.email)

    answer = await client.get("/app")

    assert answer.status_code == 403
    assert "The dashboard is for the business&#39;s team." in answer.text


async def test_a_facilitator_cannot_open_the_book_of_bookings(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, booking_id, _ = await _pending(client, database)
    facilitator = await given_user(database, book.organization, "facilitator")
    await signed_in_page(client, facilitator.email)

    listing = await client.get("/app/bookings")
    detail = await client.get(f"/app/bookings/{booking_id}")
    today = await client.get("/app")

    assert (listing.status_code, detail.status_code, today.status_code) == (403, 403, 200)
    assert 'href="/app/bookings"' not in today.text


async def test_a_viewer_sees_a_booking_but_no_forms_and_cannot_post_them(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, booking_id, staff = await _pending(client, database)
    viewer = await given_user(database, book.organization, "viewer")
    await signed_in_page(client, viewer.email)

    page = await client.get(f"/app/bookings/{booking_id}")
    posted = await client.post(
        f"/app/bookings/{booking_id}/cancel",
        data={"csrf_token": form_token(page.text), "reason": "viewer tries"},
    )

    assert page.status_code == 200
    assert "Cancel booking" not in page.text
    assert posted.status_code == 403
    assert await _status(client, booking_id, staff.headers) == "pending"


async def test_another_businesss_booking_is_not_found(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, theirs, owner = await _pending(client, database, "Their Hibachi")
    mine = await given_book(database, name="My Hibachi")
    admin = await given_user(database, mine.organization, "admin")
    await signed_in_page(client, admin.email)
    token = form_token((await client.get("/app")).text)

    page = await client.get(f"/app/bookings/{theirs}")
    cancel = await client.post(f"/app/bookings/{theirs}/cancel", data={"csrf_token": token})

    assert page.status_code == 404
    assert "Booking BK-" not in page.text
    assert cancel.status_code == 404
    assert await _status(client, theirs, owner.headers) == "pending"


@pytest.mark.parametrize("forgery", ["no token", "token of another session", "other origin"])
async def test_a_forged_form_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, database: Database, forgery: str
) -> None:
    book, booking_id, staff = await _pending(client, database)
    manager = await given_user(database, book.organization, "manager")
    attacker = await given_user(database, book.organization, "staff")
    await signed_in_page(client, attacker.email)
    attackers_token = form_token((await client.get("/app")).text)
    client.cookies.clear()
    await signed_in_page(client, manager.email)
    own_token = form_token((await client.get("/app")).text)
    data, headers = {"reason": "forged"}, {}
    if forgery == "token of another session":
        data["csrf_token"] = attackers_token
    elif forgery == "other origin":
        data["csrf_token"] = own_token
        headers["Origin"] = "https://evil.example"

    answer = await client.post(f"/app/bookings/{booking_id}/cancel", data=data, headers=headers)

    assert answer.status_code == 403
    assert "did not come from this site" in answer.text
    assert await _status(client, booking_id, staff.headers) == "pending"


async def test_the_sign_in_form_needs_its_own_token(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    staff = await given_user(database, book.organization, "staff")

    answer = await client.post(
        "/app/sign-in", data={"email": staff.email, "password": "a long passphrase for tests"}
    )

    assert answer.status_code == 403
    assert "maitred_session" not in client.cookies


async def test_staff_cannot_reach_settings_and_managers_cannot_change_them(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    staff = await given_user(database, book.organization, "staff")
    manager = await given_user(database, book.organization, "manager")
    await signed_in_page(client, staff.email)
    staff_page = await client.get("/app/settings")
    staff_today = await client.get("/app")
    client.cookies.clear()
    await signed_in_page(client, manager.email)
    manager_page = await client.get("/app/settings")

    saved = await client.post(
        "/app/settings/pricing",
        data={"csrf_token": form_token(manager_page.text), "price_per_adult": "1"},
    )

    assert staff_page.status_code == 403
    assert 'href="/app/settings"' not in staff_today.text
    assert manager_page.status_code == 200
    assert "Save pricing" not in manager_page.text
    assert saved.status_code == 403
    admin = await signed_in_as(client, database, "admin", book.organization)
    policy = await client.get("/api/v1/settings/pricing", headers=admin.headers)
    assert policy.json()["price_per_adult"] == 0


async def test_another_business_cannot_edit_refund_or_send_the_link_of_a_booking(
    client: httpx.AsyncClient, database: Database
) -> None:
    from sqlalchemy import func, select

    from maitred.messaging.models import Message
    from maitred.payments.models import Refund

    _, theirs, owner = await _pending(client, database, "Their Hibachi")
    paid = await client.post(
        "/api/v1/payments/process",
        json={"booking_id": theirs, "payment_method": "cash"},
        headers=owner.headers,
    )
    assert paid.status_code == 201, paid.text
    before = (await client.get(f"/api/v1/bookings/{theirs}", headers=owner.headers)).json()
    mine = await given_book(database, name="My Hibachi")
    admin = await given_user(database, mine.organization, "admin")
    await signed_in_page(client, admin.email)
    token = form_token((await client.get("/app")).text)

    edit = await client.post(
        f"/app/bookings/{theirs}/edit", data={"csrf_token": token, "guest_count": "2"}
    )
    refund = await client.post(
        f"/app/bookings/{theirs}/refund", data={"csrf_token": token, "amount": "1.00"}
    )
    link = await client.post(f"/app/bookings/{theirs}/deposit-link", data={"csrf_token": token})
    quote = await client.get(f"/app/bookings/{theirs}/requote?guest_count=2")

    assert [edit.status_code, refund.status_code, link.status_code] == [404, 404, 404]
    assert "No such booking" in quote.text
    assert before["reference_number"] not in quote.text
    after = (await client.get(f"/api/v1/bookings/{theirs}", headers=owner.headers)).json()
    assert (after["guest_count"], after["amount_paid"]) == (
        before["guest_count"],
        before["amount_paid"],
    )
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Refund)) == 0
        sent = await session.scalar(
            select(func.count()).select_from(Message).where(Message.template == "deposit_request")
        )
    assert sent == 0


async def test_staff_take_payments_but_cannot_refund_them(
    client: httpx.AsyncClient, database: Database
) -> None:
    from sqlalchemy import func, select

    from maitred.payments.models import Refund

    book, booking_id, staff = await _pending(client, database)
    paid = await client.post(
        "/api/v1/payments/process",
        json={"booking_id": booking_id, "payment_method": "cash"},
        headers=staff.headers,
    )
    assert paid.status_code == 201, paid.text
    member = await given_user(database, book.organization, "staff")
    await signed_in_page(client, member.email)
    page = await client.get(f"/app/bookings/{booking_id}")

    refund = await client.post(
        f"/app/bookings/{booking_id}/refund",
        data={"csrf_token": form_token(page.text), "amount": "1.00"},
    )

    assert "Make refund" not in page.text
    assert refund.status_code == 403
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(Refund)) == 0
