"""Money staff take themselves (cash, checks, bank transfers), recorded through
POST /payments/process: the booking's totals follow, a paid deposit confirms a pending booking,
and whatever is refused leaves the booking as it was."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from maitred.kit.db import Database
from tests.bookings.given import SEED_001_POLICY, given_customer, saturday, seed_001_form
from tests.factories import signed_in_as
from tests.payments.calls import change_settings, money_of, pay, payments_listed
from tests.payments.given import booking_of, given_pending_booking

UNPAID = {
    "status": "pending",
    "amount_paid": 0.0,
    "amount_refunded": 0.0,
    "balance_due": 942.5,
    "payment_status": "unpaid",
    "deposit_paid": False,
}


async def test_cash_then_a_check_then_a_transfer_pay_the_booking_off(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(client, database)

    cash = await pay(client, manager, booking["id"], 100, method="cash")
    after_cash = await money_of(client, manager, booking["id"])
    check = await pay(client, manager, booking["id"], 371.25, method="check", reference="#1042")
    after_check = await booking_of(client, manager, booking["id"])
    transfer = await pay(client, manager, booking["id"], 471.25, method="bank_transfer")

    assert (cash["status"], cash["amount"], cash["currency"], cash["purpose"]) == (
        "succeeded",
        100.0,
        "USD",
        "deposit",
    )
    assert (check["payment_method"], check["reference"]) == ("check", "#1042")
    assert after_cash == UNPAID | {
        "amount_paid": 100.0,
        "balance_due": 842.5,
        "payment_status": "partial",
    }
    assert {name: after_check[name] for name in UNPAID} == {
        "status": "confirmed",
        "amount_paid": 471.25,
        "amount_refunded": 0.0,
        "balance_due": 471.25,
        "payment_status": "partial",
        "deposit_paid": True,
    }
    last_change = after_check["status_history"][-1]
    assert (last_change["from_status"], last_change["to_status"], last_change["reason"]) == (
        "pending",
        "confirmed",
        "Deposit paid",
    )
    assert transfer["purpose"] == "balance"
    assert await money_of(client, manager, booking["id"]) == {
        "status": "confirmed",
        "amount_paid": 942.5,
        "amount_refunded": 0.0,
        "balance_due": 0.0,
        "payment_status": "paid",
        "deposit_paid": True,
    }


async def test_without_an_amount_the_deposit_still_due_is_recorded(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(client, database)

    payment = await pay(client, manager, booking["id"], method="CASH")

    assert (payment["amount"], payment["purpose"], payment["payment_method"]) == (
        471.25,
        "deposit",
        "cash",
    )
    assert (await money_of(client, manager, booking["id"]))["status"] == "confirmed"


async def test_a_paid_deposit_leaves_the_booking_pending_when_staff_confirm_by_hand(
    client: httpx.AsyncClient, database: Database
) -> None:
    by_hand = SEED_001_POLICY | {"payments": {"confirm_when_deposit_paid": False}}
    _, manager, booking = await given_pending_booking(client, database, settings=by_hand)

    await pay(client, manager, booking["id"], 471.25)

    assert await money_of(client, manager, booking["id"]) == UNPAID | {
        "amount_paid": 471.25,
        "balance_due": 471.25,
        "payment_status": "partial",
        "deposit_paid": True,
    }


async def test_a_booking_is_confirmed_only_once_its_deposit_is_paid_when_required(
    client: httpx.AsyncClient, database: Database
) -> None:
    book, manager, booking = await given_pending_booking(client, database)
    admin = await signed_in_as(client, database, "admin", book.organization)
    settings = await change_settings(
        client,
        admin,
        {"require_deposit_to_confirm": True, "confirm_when_deposit_paid": False},
    )
    path = f"/api/v1/bookings/{booking['id']}"

    too_early = await client.put(path, json={"status": "confirmed"}, headers=manager.headers)
    unchanged = await money_of(client, manager, booking["id"])
    await pay(client, manager, booking["id"], 471.25, method="bank_transfer")
    confirmed = await client.patch(path, json={"status": "confirmed"}, headers=manager.headers)

    assert (settings["require_deposit_to_confirm"], settings["confirm_when_deposit_paid"]) == (
        True,
        False,
    )
    assert too_early.status_code == 409, too_early.text
    assert too_early.json()["error"] == "invalid_state"
    assert too_early.json()["details"] == {"deposit_due": "471.25"}
    assert unchanged == UNPAID
    assert confirmed.status_code == 200, confirmed.text
    assert confirmed.json()["status"] == "confirmed"


async def test_with_the_deposit_required_paying_it_still_confirms_the_booking(
    client: httpx.AsyncClient, database: Database
) -> None:
    required = SEED_001_POLICY | {"payments": {"require_deposit_to_confirm": True}}
    _, manager, booking = await given_pending_booking(client, database, settings=required)

    await pay(client, manager, booking["id"], 471.25, method="check")

    assert (await money_of(client, manager, booking["id"]))["status"] == "confirmed"


async def test_a_new_booking_cannot_be_confirmed_before_its_required_deposit(
    client: httpx.AsyncClient, database: Database
) -> None:
    required = SEED_001_POLICY | {"payments": {"require_deposit_to_confirm": True}}
    book, manager, _ = await given_pending_booking(client, database, settings=required)
    customer = await given_customer(
        database, book, name="Omar Haddad", email="omar@example.com", phone="+19165550177"
    )
    form = seed_001_form(
        customer, book, status="confirmed", event_date=saturday(weeks_ahead=5).isoformat()
    )

    response = await client.post("/api/v1/bookings", json=form, headers=manager.headers)

    assert response.status_code == 409, response.text
    assert response.json()["error"] == "invalid_state"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"amount": 942.51}, "amount", id="above-the-balance-due"),
        pytest.param({"amount": 100, "currency": "EUR"}, "currency", id="another-currency"),
        pytest.param({"amount": -5}, "amount", id="negative"),
        pytest.param({"amount": 0}, "amount", id="zero"),
        pytest.param({"amount": 10.005}, "amount", id="a-fraction-of-a-cent"),
        pytest.param({"amount": 100, "stripe_token": "tok_visa"}, "stripe_token", id="token"),
        pytest.param(
            {"amount": 100, "payment_method": "card"}, "stripe_token", id="card-without-token"
        ),
        pytest.param({"amount": 100, "payment_method": "bitcoin"}, "payment_method", id="unknown"),
    ],
)
async def test_a_refused_payment_changes_nothing(
    client: httpx.AsyncClient, database: Database, body: dict[str, Any], field: str
) -> None:
    _, manager, booking = await given_pending_booking(client, database)

    response = await client.post(
        "/api/v1/payments/process",
        json={"booking_id": booking["id"], "payment_method": "cash"} | body,
        headers=manager.headers,
    )

    assert response.status_code == 422, response.text
    assert response.json()["error"] == "validation_error"
    assert field in response.json()["details"]
    assert await money_of(client, manager, booking["id"]) == UNPAID
    assert await payments_listed(client, manager, booking_id=booking["id"]) == []


async def test_without_stripe_a_card_is_refused_plainly_and_cash_still_works(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(client, database)

    card = await pay(
        client, manager, booking["id"], 100, method="card", stripe_token="tok_visa", status=422
    )
    cash = await pay(client, manager, booking["id"], 100, method="cash")

    assert card["message"].startswith("Card payments are not set up: configure Stripe")
    assert card["details"]["payment_method"].endswith(
        "cash, check and bank transfers can still be recorded"
    )
    assert cash["status"] == "succeeded"
    assert [p["payment_method"] for p in await payments_listed(client, manager)] == ["cash"]


async def test_a_cancelled_booking_takes_no_payment(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(client, database)
    cancelled = await client.delete(f"/api/v1/bookings/{booking['id']}", headers=manager.headers)
    assert cancelled.status_code == 204, cancelled.text

    refused = await pay(client, manager, booking["id"], 100, status=409)

    assert refused["error"] == "invalid_state"
    assert await payments_listed(client, manager) == []
    assert (await money_of(client, manager, booking["id"]))["amount_paid"] == 0.0


async def test_cents_add_up_exactly(client: httpx.AsyncClient, database: Database) -> None:
    _, manager, booking = await given_pending_booking(client, database)

    await pay(client, manager, booking["id"], 0.1)
    await pay(client, manager, booking["id"], 0.2)

    money = await money_of(client, manager, booking["id"])
    assert (money["amount_paid"], money["balance_due"]) == (0.3, 942.2)


async def test_who_may_record_a_payment(client: httpx.AsyncClient, database: Database) -> None:
    book, manager, booking = await given_pending_booking(client, database)
    staff = await signed_in_as(client, database, "staff", book.organization)
    viewer = await signed_in_as(client, database, "viewer", book.organization)
    stranger = await signed_in_as(client, database, "manager")
    body = {"booking_id": booking["id"], "amount": 50, "payment_method": "cash"}

    anonymous = await client.post("/api/v1/payments/process", json=body)
    await pay(client, viewer, booking["id"], 50, status=403)
    await pay(client, stranger, booking["id"], 50, status=404)
    await pay(client, staff, booking["id"], 50, status=201)

    assert anonymous.status_code == 401
    assert (await money_of(client, manager, booking["id"]))["amount_paid"] == 50.0
    assert await payments_listed(client, stranger) == []
