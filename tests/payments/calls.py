"""The /payments API called as staff call it, each call asserting the status it expects; and the
booking's money as the booking itself shows it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.factories import Actor
from tests.payments.given import booking_of

MONEY_FIELDS = (
    "status",
    "amount_paid",
    "amount_refunded",
    "balance_due",
    "payment_status",
    "deposit_paid",
)


async def pay(
    client: httpx.AsyncClient,
    actor: Actor,
    booking_id: str,
    amount: float | None = None,
    *,
    method: str = "cash",
    status: int = 201,
    key: str | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """POST /payments/process; `key` is sent as the Idempotency-Key."""
    body: dict[str, Any] = {"booking_id": booking_id, "payment_method": method, **fields}
    if amount is not None:
        body["amount"] = amount
    headers = actor.headers | ({"Idempotency-Key": key} if key else {})
    response = await client.post("/api/v1/payments/process", json=body, headers=headers)
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def refund(
    client: httpx.AsyncClient,
    actor: Actor,
    payment_id: str,
    amount: float | None = None,
    *,
    status: int = 201,
    reason: str = "",
) -> dict[str, Any]:
    body: dict[str, Any] = {"reason": reason}
    if amount is not None:
        body["amount"] = amount
    response = await client.post(
        f"/api/v1/payments/{payment_id}/refund", json=body, headers=actor.headers
    )
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def payments_listed(
    client: httpx.AsyncClient, actor: Actor, **query: Any
) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/payments", params=query, headers=actor.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def money_of(client: httpx.AsyncClient, actor: Actor, booking_id: str) -> dict[str, Any]:
    """The booking's status and money figures, as staff see them on the booking."""
    booking = await booking_of(client, actor, booking_id)
    return {name: booking[name] for name in MONEY_FIELDS}


async def change_settings(
    client: httpx.AsyncClient, admin: Actor, changes: dict[str, Any]
) -> dict[str, Any]:
    response = await client.patch("/api/v1/payments/settings", json=changes, headers=admin.headers)
    assert response.status_code == 200, response.text
    settings: dict[str, Any] = response.json()
    return settings
