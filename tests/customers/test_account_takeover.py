"""A stranger cannot take over a customer's bookings by signing up (or editing their profile)
with the customer's email or phone: an account reaches a customer record only through an email
or phone it proved, by a link or a code that only the address's holder receives, finished by the
same signed-in account. Reads never link (a GET writes nothing)."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import func, select

from maitred.customers.models import ContactVerification, Customer
from maitred.kit.db import Database
from tests.bookings.given import (
    SEED_001_POLICY,
    Book,
    book_one,
    given_book,
    seed_001_form,
    staff_of,
)
from tests.factories import Actor, given_user, sign_in
from tests.notifications.given import sent_messages
from tests.probe_router import error_of

SIGNUP_BOOK = {**SEED_001_POLICY, "identity": {"self_signup": True}}
PASSWORD = "a long passphrase 2026"
VICTIM = {"name": "Elizabeth Lee", "email": "liz@example.com", "phone": "(916) 555-0177"}


async def given_victim(client: httpx.AsyncClient, database: Database) -> tuple[Book, Actor, dict]:
    """A business whose customer Elizabeth Lee has a confirmed booking, made by staff."""
    book = await given_book(database, settings=SIGNUP_BOOK)
    staff = await staff_of(client, database, book)
    booking = await book_one(client, staff, {**seed_001_form(None, book), "customer": VICTIM})
    return book, staff, booking


async def register(
    client: httpx.AsyncClient, book: Book, *, email: str, phone: str | None = None
) -> Actor:
    response = await sign_up(client, book, email=email, phone=phone)
    assert response.status_code == 201, response.text
    tokens = await sign_in(client, email, PASSWORD)
    return Actor(None, book.organization, tokens)  # type: ignore[arg-type]


async def sign_up(
    client: httpx.AsyncClient, book: Book, *, email: str, phone: str | None = None
) -> httpx.Response:
    body: dict[str, Any] = {"email": email, "password": PASSWORD, "full_name": "Sam Stranger"}
    if phone:
        body["phone"] = phone
    headers = {"X-Tenant-ID": str(book.organization.id)}
    return await client.post("/api/v1/auth/register", json=body, headers=headers)


def _shape(response: httpx.Response) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = response.json()
    user = {k: v for k, v in body["user"].items() if k not in ("id", "email", "created_at")}
    return response.status_code, {**body, "user": user}


async def linked_customers(database: Database) -> list[tuple[str, object]]:
    async with database.transaction(write=False) as session:
        rows = await session.execute(
            select(Customer.name, Customer.user_id).where(Customer.user_id.is_not(None))
        )
        return [(name, user_id) for name, user_id in rows]


async def victim_record(client: httpx.AsyncClient, staff: Actor, booking: dict) -> dict:
    customer_id = booking["customer"]["id"]
    response = await client.get(f"/api/v1/customers/{customer_id}", headers=staff.headers)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return {k: body[k] for k in ("name", "email", "phone", "total_bookings")}


async def attack(client: httpx.AsyncClient, stranger: Actor, booking: dict) -> dict[str, int]:
    """Everything the probe tried with the account: list, read, cancel (both ways), the
    customer record, and booking as that customer."""
    booking_id, customer_id = booking["id"], booking["customer"]["id"]
    headers = stranger.headers
    listed = await client.get("/api/v1/bookings", headers=headers)
    assert listed.status_code == 200
    assert listed.json()["items"] == []
    return {
        "read": (await client.get(f"/api/v1/bookings/{booking_id}", headers=headers)).status_code,
        "cancel": (
            await client.delete(f"/api/v1/bookings/{booking_id}", headers=headers)
        ).status_code,
        "put_cancel": (
            await client.put(f"/api/v1/bookings/{booking_id}/cancel", headers=headers)
        ).status_code,
        "customer": (
            await client.get(f"/api/v1/customers/{customer_id}", headers=headers)
        ).status_code,
    }


DENIED = {"read": 404, "cancel": 404, "put_cancel": 404, "customer": 403}


async def assert_untouched(
    client: httpx.AsyncClient, staff: Actor, booking: dict, database: Database
) -> None:
    after = await client.get(f"/api/v1/bookings/{booking['id']}", headers=staff.headers)
    assert after.json()["status"] == "confirmed"
    assert after.json()["customer"] == booking["customer"]
    assert await victim_record(client, staff, booking) == {
        "name": "Elizabeth Lee",
        "email": "liz@example.com",
        "phone": "+19165550177",
        "total_bookings": 1,
    }
    assert await linked_customers(database) == []


async def test_signing_up_with_a_customers_email_reaches_none_of_their_bookings(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, staff, booking = await given_victim(client, database)

    with_customer = await sign_up(client, book, email="liz@example.com")
    nobodys = await sign_up(client, book, email="nobody@example.net")
    stranger = Actor(None, book.organization, await sign_in(client, "liz@example.com", PASSWORD))  # type: ignore[arg-type]
    results = await attack(client, stranger, booking)
    booking_as_them = await client.post(
        "/api/v1/bookings",
        json=seed_001_form(None, book, status="pending"),
        headers=stranger.headers,
    )

    assert results == DENIED
    assert booking_as_them.status_code == 403
    assert "Confirm your email address" in error_of(booking_as_them)["message"]
    # Signing up answers alike whether or not a customer has the email.
    assert _shape(with_customer) == _shape(nobodys)
    await assert_untouched(client, staff, booking, database)


async def test_signing_up_or_editing_the_profile_with_a_customers_phone_reaches_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, staff, booking = await given_victim(client, database)

    by_sign_up = await register(client, book, email="sam@example.net", phone="916-555-0177")
    by_profile = await register(client, book, email="sam2@example.net")
    patched = await client.patch(
        "/api/v1/auth/me", json={"phone": "+1 916 555 0177"}, headers=by_profile.headers
    )
    first, second = (
        await attack(client, by_sign_up, booking),
        await attack(client, by_profile, booking),
    )
    tries = [
        await client.post(
            "/api/v1/bookings", json=seed_001_form(None, book, status="pending"), headers=h
        )
        for h in (by_sign_up.headers, by_profile.headers)
    ]

    assert patched.status_code == 200
    assert patched.json()["phone"] == "+19165550177"
    assert first == second == DENIED
    assert [t.status_code for t in tries] == [403, 403]
    await assert_untouched(client, staff, booking, database)


async def test_the_code_goes_to_the_customers_phone_and_guessing_it_stops_after_five_tries(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, staff, booking = await given_victim(client, database)
    stranger = await register(client, book, email="sam@example.net", phone="916-555-0177")

    asked = await client.post("/api/v1/auth/verify-phone/request", headers=stranger.headers)
    [sms] = await sent_messages(database, template="verify_phone")
    code = re.search(r"\b(\d{6})\b", sms.body_text)
    assert code is not None
    wrong = f"{(int(code.group(1)) + 1) % 10**6:06d}"
    guesses = [
        await client.post(
            "/api/v1/auth/verify-phone", json={"code": wrong}, headers=stranger.headers
        )
        for _ in range(5)
    ]
    # Even the right code is dead after five wrong ones (the stranger never sees it anyway).
    right = await client.post(
        "/api/v1/auth/verify-phone", json={"code": code.group(1)}, headers=stranger.headers
    )

    assert asked.status_code == 202
    assert asked.json() == {"message": "If the address can receive it, a code is on its way"}
    assert code.group(1) not in asked.text
    assert (sms.channel, sms.contact) == ("sms", "+19165550177")
    assert [g.status_code for g in guesses] == [400] * 5
    assert error_of(guesses[0])["details"] == {"code": "4 tries left for this code"}
    assert right.status_code == 400
    assert await attack(client, stranger, booking) == DENIED
    await assert_untouched(client, staff, booking, database)


async def test_the_email_link_works_only_for_the_account_that_asked_for_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    """Pre-hijacking: the stranger asks for a link, it lands in Elizabeth's mailbox; her using it
    without the stranger's session (or with another account) proves nothing."""
    book, staff, booking = await given_victim(client, database)
    stranger = await register(client, book, email="liz@example.com")
    someone = await register(client, book, email="other@example.net")

    await client.post("/api/v1/auth/verify-email/request", headers=stranger.headers)
    [mail] = await sent_messages(database, template="verify_email")
    token = re.search(r"token=([\w-]+)", mail.body_text)
    assert token is not None
    anonymous = await client.post("/api/v1/auth/verify-email", json={"token": token.group(1)})
    other_account = await client.post(
        "/api/v1/auth/verify-email", json={"token": token.group(1)}, headers=someone.headers
    )
    made_up = await client.post(
        "/api/v1/auth/verify-email", json={"token": "x" * 43}, headers=stranger.headers
    )

    assert (mail.channel, mail.contact) == ("email", "liz@example.com")
    assert anonymous.status_code == 401
    assert other_account.status_code == 400
    assert made_up.status_code == 400
    assert await attack(client, stranger, booking) == DENIED
    await assert_untouched(client, staff, booking, database)


async def test_the_rightful_owner_verifies_their_email_and_then_sees_their_bookings(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, staff, booking = await given_victim(client, database)
    owner = await register(client, book, email="Liz@Example.com")
    before = await client.get("/api/v1/bookings", headers=owner.headers)

    asked = await client.post("/api/v1/auth/verify-email/request", headers=owner.headers)
    [mail] = await sent_messages(database, template="verify_email")
    token = re.search(r"/verify-email\?token=([\w-]+)", mail.body_text)
    assert token is not None
    done = await client.post(
        "/api/v1/auth/verify-email", json={"token": token.group(1)}, headers=owner.headers
    )
    again = await client.post(
        "/api/v1/auth/verify-email", json={"token": token.group(1)}, headers=owner.headers
    )
    after = await client.get("/api/v1/bookings", headers=owner.headers)
    me = await client.get("/api/v1/auth/me", headers=owner.headers)

    assert before.json()["items"] == []
    assert asked.status_code == 202
    assert token.group(1) not in asked.text
    assert done.status_code == 200
    assert done.json() == {
        "message": "Your email address is confirmed",
        "verified": "email",
        "customer_id": booking["customer"]["id"],
    }
    assert again.status_code == 400  # single use
    assert [item["id"] for item in after.json()["items"]] == [booking["id"]]
    assert me.json()["email_verified"] is True
    assert [name for name, _ in await linked_customers(database)] == ["Elizabeth Lee"]


async def test_the_rightful_owner_verifies_their_phone_by_code(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, staff, booking = await given_victim(client, database)
    owner = await register(client, book, email="elizabeth.lee@example.org")
    await client.patch("/api/v1/auth/me", json={"phone": "9165550177"}, headers=owner.headers)

    await client.post("/api/v1/auth/verify-phone/request", headers=owner.headers)
    [sms] = await sent_messages(database, template="verify_phone")
    code = re.search(r"\b(\d{6})\b", sms.body_text)
    assert code is not None
    done = await client.post(
        "/api/v1/auth/verify-phone", json={"code": code.group(1)}, headers=owner.headers
    )
    cancelled = await client.delete(f"/api/v1/bookings/{booking['id']}", headers=owner.headers)

    assert done.status_code == 200
    assert done.json()["customer_id"] == booking["customer"]["id"]
    assert cancelled.status_code == 204  # their own booking now, weeks ahead


async def test_a_read_never_writes_a_link(client: httpx.AsyncClient, database: Database) -> None:
    """An account whose email is proven sees the record with that email, but the GETs that
    used to link it (bookings, the customer record) write nothing."""
    book, staff, booking = await given_victim(client, database)
    user = await given_user(database, book.organization, "customer", email="liz@example.com")
    owner = Actor(user, book.organization, await sign_in(client, user.email))
    counts_before = await _row_counts(database)

    listed = await client.get("/api/v1/bookings", headers=owner.headers)
    one = await client.get(f"/api/v1/bookings/{booking['id']}", headers=owner.headers)
    record = await client.get(
        f"/api/v1/customers/{booking['customer']['id']}", headers=owner.headers
    )

    assert [item["id"] for item in listed.json()["items"]] == [booking["id"]]
    assert one.status_code == 200
    assert record.status_code == 200
    assert await linked_customers(database) == []
    assert await _row_counts(database) == counts_before


async def _row_counts(database: Database) -> tuple[int, int]:
    async with database.transaction(write=False) as session:
        customers = await session.scalar(select(func.count()).select_from(Customer))
        proofs = await session.scalar(select(func.count()).select_from(ContactVerification))
        return int(customers or 0), int(proofs or 0)


async def test_codes_are_sent_five_times_an_hour_at_most(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, _, _ = await given_victim(client, database)
    stranger = await register(client, book, email="sam@example.net", phone="916-555-0177")

    asked = [
        await client.post("/api/v1/auth/verify-phone/request", headers=stranger.headers)
        for _ in range(6)
    ]

    assert [a.status_code for a in asked] == [202] * 5 + [429]
    assert asked[-1].headers["Retry-After"] == "3600"
    assert len(await sent_messages(database, template="verify_phone")) == 5
