"""What staff read back: the payments list (GET /payments) with its filters and pages, one
payment, and the period summary (GET /payments/summary) of a small known book of money."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from maitred.kit.db import Database
from tests.bookings.given import Book, book_one, given_customer, saturday, seed_001_form
from tests.factories import Actor, signed_in_as
from tests.payments.calls import pay, payments_listed, refund
from tests.payments.given import given_pending_booking

pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")


def local_today() -> str:
    """Today where the test organizations are (tests/factories.py)."""
    return datetime.now(ZoneInfo("America/Los_Angeles")).date().isoformat()


async def another_booking(
    client: httpx.AsyncClient, database: Database, book: Book, manager: Actor
) -> dict[str, Any]:
    """A second pending booking of the same book, two weeks after the first."""
    customer = await given_customer(
        database, book, name="Omar Haddad", email="omar@example.com", phone="+19165550177"
    )
    form = seed_001_form(
        customer, book, status="pending", event_date=saturday(weeks_ahead=5).isoformat()
    )
    return await book_one(client, manager, form)


async def given_four_payments(
    client: httpx.AsyncClient, database: Database
) -> tuple[Actor, list[dict[str, Any]]]:
    """Two bookings of one organization and four payments, oldest first: the first booking's
    cash deposit and a check, the second's bank transfer and a smaller cash payment."""
    book, manager, first = await given_pending_booking(client, database)
    second = await another_booking(client, database, book, manager)
    made = [
        await pay(client, manager, first["id"], 471.25, method="cash"),
        await pay(client, manager, first["id"], 100, method="check"),
        await pay(client, manager, second["id"], 100, method="bank_transfer"),
        await pay(client, manager, second["id"], 20.5, method="cash"),
    ]
    return manager, made


async def test_payments_are_listed_newest_first_and_filtered(
    client: httpx.AsyncClient, database: Database
) -> None:
    manager, made = await given_four_payments(client, database)
    ids = [payment["id"] for payment in made]
    yesterday = (datetime.fromisoformat(local_today()) - timedelta(days=1)).date().isoformat()

    def listed(**query: Any) -> Any:
        return payments_listed(client, manager, **query)

    assert [p["id"] for p in await listed()] == ids[::-1]
    assert [p["id"] for p in await listed(booking_id=made[0]["booking_id"])] == ids[1::-1]
    assert [p["id"] for p in await listed(method="cash")] == [ids[3], ids[0]]
    assert [p["id"] for p in await listed(method="BANK_TRANSFER")] == [ids[2]]
    assert [p["id"] for p in await listed(status="succeeded")] == ids[::-1]
    assert await listed(status="failed") == []
    assert len(await listed(date_from=local_today(), date_to=local_today())) == 4
    assert await listed(date_to=yesterday) == []
    by_amount = await listed(sort="amount", order="asc")
    assert [p["amount"] for p in by_amount] == [20.5, 100.0, 100.0, 471.25]


async def test_a_bad_filter_is_refused(client: httpx.AsyncClient, database: Database) -> None:
    manager = await signed_in_as(client, database, "manager")

    backwards = await client.get(
        "/api/v1/payments",
        params={"date_from": "2026-03-14", "date_to": "2026-03-13"},
        headers=manager.headers,
    )
    unknown = await client.get(
        "/api/v1/payments", params={"method": "bitcoin"}, headers=manager.headers
    )

    assert backwards.status_code == 422
    assert backwards.json()["details"] == {"date_to": "Must not be before date_from"}
    assert unknown.status_code == 422
    assert "method" in unknown.json()["details"]


async def test_payments_come_in_pages(client: httpx.AsyncClient, database: Database) -> None:
    manager, made = await given_four_payments(client, database)

    response = await client.get(
        "/api/v1/payments", params={"page": 2, "limit": 3}, headers=manager.headers
    )

    assert response.status_code == 200, response.text
    page = response.json()
    assert [p["id"] for p in page["items"]] == [made[0]["id"]]
    assert page["pagination"] == {
        "page": 2,
        "limit": 3,
        "total_items": 4,
        "total_pages": 2,
        "has_next": False,
        "has_prev": True,
    }


async def test_one_payment_with_its_refunds(client: httpx.AsyncClient, database: Database) -> None:
    manager, made = await given_four_payments(client, database)
    given_back = await refund(client, manager, made[1]["id"], 40, reason="Overpaid")

    response = await client.get(f"/api/v1/payments/{made[1]['id']}", headers=manager.headers)

    assert response.status_code == 200, response.text
    payment = response.json()
    assert (payment["payment_method"], payment["amount"], payment["refunded_amount"]) == (
        "check",
        100.0,
        40.0,
    )
    assert [(r["id"], r["amount"], r["reason"]) for r in payment["refunds"]] == [
        (given_back["refund"]["id"], 40.0, "Overpaid")
    ]


async def test_the_summary_adds_up_a_known_book_of_money(
    stripe_client: httpx.AsyncClient, database: Database
) -> None:
    book, manager, first = await given_pending_booking(stripe_client, database)
    second = await another_booking(stripe_client, database, book, manager)
    await pay(stripe_client, manager, first["id"], 471.25, method="card", stripe_token="tok_visa")
    check = await pay(stripe_client, manager, first["id"], 100, method="check")
    await refund(stripe_client, manager, check["id"], 50)
    await pay(
        stripe_client,
        manager,
        second["id"],
        100,
        method="card",
        stripe_token="tok_chargeDeclined",
        status=422,
    )
    await pay(stripe_client, manager, second["id"], 100, method="bank_transfer")

    response = await stripe_client.get("/api/v1/payments/summary", headers=manager.headers)

    assert response.status_code == 200, response.text
    assert response.json() == {
        "date_from": None,
        "date_to": None,
        "currency": "USD",
        "collected": 671.25,
        "refunded": 50.0,
        "net": 621.25,
        "payments": 3,
        "refunds": 1,
        "by_method": [
            {"payment_method": "bank_transfer", "count": 1, "amount": 100.0},
            {"payment_method": "card", "count": 1, "amount": 471.25},
            {"payment_method": "check", "count": 1, "amount": 100.0},
        ],
        # 942.50 - 521.25 on the first booking, 942.50 - 100 on the second
        "outstanding_balance": 1263.75,
        # only the second is still pending: 471.25 - 100
        "deposits_due": 371.25,
        "bookings_with_balance": 2,
    }
    by_card = await payments_listed(stripe_client, manager, method="stripe")
    assert [(p["status"], p["amount"]) for p in by_card] == [
        ("failed", 100.0),
        ("succeeded", 471.25),
    ]


async def test_the_summary_of_a_period_counts_what_happened_in_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    manager, _ = await given_four_payments(client, database)
    path = "/api/v1/payments/summary"
    today = local_today()
    first_event_day = {"date_from": saturday().isoformat(), "date_to": saturday().isoformat()}
    today_only = {"date_from": today, "date_to": today}

    paid_today = (await client.get(path, params=today_only, headers=manager.headers)).json()
    event_day = (await client.get(path, params=first_event_day, headers=manager.headers)).json()

    assert (paid_today["collected"], paid_today["payments"]) == (691.75, 4)
    assert (paid_today["outstanding_balance"], paid_today["bookings_with_balance"]) == (0.0, 0)
    assert (event_day["collected"], event_day["payments"]) == (0.0, 0)
    # the first booking's event only: 942.50 - 571.25, its deposit paid
    assert (event_day["outstanding_balance"], event_day["deposits_due"]) == (371.25, 0.0)


async def test_reading_payments_needs_the_permission_and_stays_in_the_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    manager, made = await given_four_payments(client, database)
    assert manager.organization is not None
    viewer = await signed_in_as(client, database, "viewer", manager.organization)
    facilitator = await signed_in_as(client, database, "facilitator", manager.organization)
    stranger = await signed_in_as(client, database, "admin")
    one = f"/api/v1/payments/{made[0]['id']}"

    assert (await client.get("/api/v1/payments")).status_code == 401
    assert (await client.get("/api/v1/payments/summary")).status_code == 401
    assert (await client.get(one, headers=viewer.headers)).status_code == 200
    assert (await client.get(one, headers=facilitator.headers)).status_code == 403
    assert (
        await client.get("/api/v1/payments/summary", headers=facilitator.headers)
    ).status_code == 403
    assert (await client.get(one, headers=stranger.headers)).status_code == 404
    assert await payments_listed(client, stranger) == []
    stranger_summary = await client.get("/api/v1/payments/summary", headers=stranger.headers)
    assert (stranger_summary.json()["collected"], stranger_summary.json()["payments"]) == (0.0, 0)
