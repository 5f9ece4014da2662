"""Money arriving at once for one booking: the booking's lock makes each payment see the ones
before it, so the balance is never overpaid and the totals are the sum of what was accepted."""

from __future__ import annotations

import asyncio

import httpx

from maitred.kit.db import Database
from tests.payments.given import TOTAL, booking_of, given_pending_booking


async def test_payments_racing_for_one_balance_never_overpay_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(client, database)

    answers = await asyncio.gather(
        *(
            client.post(
                "/api/v1/payments/process",
                json={"booking_id": booking["id"], "amount": 300, "payment_method": "cash"},
                headers=manager.headers,
            )
            for _ in range(5)
        )
    )

    assert sorted(a.status_code for a in answers) == [201, 201, 201, 422, 422]
    after = await booking_of(client, manager, booking["id"])
    assert after["amount_paid"] == 900
    assert after["balance_due"] == TOTAL - 900
    listed = await client.get(
        "/api/v1/payments", params={"booking_id": booking["id"]}, headers=manager.headers
    )
    assert listed.json()["pagination"]["total_items"] == 3


async def test_refunds_racing_for_one_payment_never_give_back_more_than_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, manager, booking = await given_pending_booking(client, database)
    paid = await client.post(
        "/api/v1/payments/process",
        json={"booking_id": booking["id"], "amount": 100, "payment_method": "check"},
        headers=manager.headers,
    )
    payment_id = paid.json()["id"]

    answers = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/payments/{payment_id}/refund",
                json={"amount": 30, "reason": "Goodwill"},
                headers=manager.headers,
            )
            for _ in range(4)
        )
    )

    assert sorted(a.status_code for a in answers) == [201, 201, 201, 422]
    after = await booking_of(client, manager, booking["id"])
    assert (after["amount_paid"], after["amount_refunded"]) == (100, 90)
