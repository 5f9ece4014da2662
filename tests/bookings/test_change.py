"""PUT/PATCH/DELETE /bookings/{id}: the status machine with its history, re-pricing, and
rescheduling that re-claims a chef team or changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from maitred.kit.db import Database
from tests.bookings.given import (
    SEED_000_MENU,
    SEED_000_POLICY,
    Book,
    book_one,
    count_bookings,
    events_named,
    given_book,
    given_customer,
    saturday,
    seed_001_form,
    staff_of,
)
from tests.factories import Actor
from tests.probe_router import error_of


async def _pending(
    client: httpx.AsyncClient, database: Database, book: Book, staff: Actor, **changes: Any
) -> dict[str, Any]:
    customer_id = await given_customer(database, book)
    return await book_one(
        client, staff, seed_001_form(customer_id, book, status="pending", **changes)
    )


async def _move(
    client: httpx.AsyncClient, staff: Actor, booking_id: str, status: str, reason: str = ""
) -> httpx.Response:
    return await client.patch(
        f"/api/v1/bookings/{booking_id}",
        json={"status": status, "reason": reason},
        headers=staff.headers,
    )


@pytest.mark.parametrize(
    "path",
    [
        ["confirmed", "completed"],
        ["cancelled"],
        ["confirmed", "cancelled"],
        ["CONFIRMED", "no_show"],
    ],
)
async def test_allowed_moves_are_kept_as_history(
    client: httpx.AsyncClient, database: Database, path: list[str]
) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    booking = await _pending(client, database, book, staff)

    answers = [
        await _move(client, staff, booking["id"], status, f"step {n}")
        for n, status in enumerate(path)
    ]

    assert [a.status_code for a in answers] == [200] * len(path)
    final = answers[-1].json()
    assert final["message"] == "Booking updated successfully"
    assert final["status"] == path[-1].lower()
    statuses = ["pending", *(s.lower() for s in path)]
    moves = list(zip(statuses, statuses[1:], strict=False))
    assert [(h["from_status"], h["to_status"], h["reason"]) for h in final["status_history"]] == [
        (None, "pending", ""),
        *((a, b, f"step {n}") for n, (a, b) in enumerate(moves)),
    ]
    assert all(h["changed_by"] == str(staff.user.id) for h in final["status_history"])
    events = await events_named(database, "booking.status_changed")
    assert [(e["from_status"], e["to_status"], e["reason"]) for e in events] == [
        (a, b, f"step {n}") for n, (a, b) in enumerate(moves)
    ]


@pytest.mark.parametrize(
    ("path", "refused", "allowed"),
    [
        ([], "completed", ["confirmed", "cancelled"]),
        ([], "no_show", ["confirmed", "cancelled"]),
        (["confirmed"], "pending", ["completed", "cancelled", "no_show"]),
        (["cancelled"], "confirmed", []),
        (["confirmed", "completed"], "cancelled", []),
        (["confirmed", "no_show"], "completed", []),
    ],
)
async def test_other_moves_are_409_and_change_nothing(
    client: httpx.AsyncClient,
    database: Database,
    path: list[str],
    refused: str,
    allowed: list[str],
) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    booking = await _pending(client, database, book, staff)
    for status in path:
        assert (await _move(client, staff, booking["id"], status)).status_code == 200
    before = (await client.get(f"/api/v1/bookings/{booking['id']}", headers=staff.headers)).json()

    answer = await _move(client, staff, booking["id"], refused)

    current = path[-1] if path else "pending"
    assert answer.status_code == 409
    assert error_of(answer) == {
        "error": "invalid_state",
        "message": f"A {current} booking cannot become {refused}; allowed: "
        + (", ".join(allowed) or "none"),
        "details": {"status": current, "allowed": allowed},
    }
    after = (await client.get(f"/api/v1/bookings/{booking['id']}", headers=staff.headers)).json()
    assert after == before


async def test_confirming_keeps_the_team_and_cancelling_frees_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=1)
    staff = await staff_of(client, database, book)
    booking = await _pending(client, database, book, staff)
    assert booking["hold_expires_at"] is not None

    confirmed = (await _move(client, staff, booking["id"], "confirmed")).json()
    customer_id = await given_customer(database, book)
    while_kept = await client.post(
        "/api/v1/bookings", json=seed_001_form(customer_id, book), headers=staff.headers
    )
    cancelled = await client.delete(
        f"/api/v1/bookings/{booking['id']}?reason=Customer%20moved", headers=staff.headers
    )
    after_cancel = await client.post(
        "/api/v1/bookings", json=seed_001_form(customer_id, book), headers=staff.headers
    )

    assert confirmed["hold_expires_at"] is None
    assert confirmed["confirmed_at"] is not None
    assert confirmed["chef_team_id"] == str(book.teams[0])
    assert while_kept.status_code == 409
    assert cancelled.status_code == 204
    assert cancelled.content == b""
    assert after_cancel.status_code == 201
    gone = (await client.get(f"/api/v1/bookings/{booking['id']}", headers=staff.headers)).json()
    assert gone["status"] == "cancelled"
    assert gone["cancelled_at"] is not None
    assert gone["cancellation_reason"] == "Customer moved"
    assert gone["status_history"][-1]["reason"] == "Customer moved"


async def test_put_cancel_answers_the_booking_and_twice_is_409(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    booking = await _pending(client, database, book, staff)

    first = await client.put(
        f"/api/v1/bookings/{booking['id']}/cancel",
        json={"reason": "Rain"},
        headers=staff.headers,
    )
    bodiless = await client.put(f"/api/v1/bookings/{booking['id']}/cancel", headers=staff.headers)
    deleted = await client.delete(f"/api/v1/bookings/{booking['id']}", headers=staff.headers)

    assert first.status_code == 200
    assert first.json()["status"] == "cancelled"
    assert first.json()["cancellation_reason"] == "Rain"
    assert bodiless.status_code == deleted.status_code == 409
    assert error_of(deleted)["error"] == "invalid_state"


async def test_completing_credits_loyalty_and_customer_figures(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    booking = await _pending(client, database, book, staff)
    await _pending(client, database, book, staff, event_date=saturday(6).isoformat())
    cancelled = await _pending(client, database, book, staff, event_date=saturday(7).isoformat())
    await _move(client, staff, cancelled["id"], "cancelled")

    await _move(client, staff, booking["id"], "confirmed")
    await _move(client, staff, booking["id"], "completed")
    customer = await client.get(
        f"/api/v1/customers/{booking['customer']['id']}", headers=staff.headers
    )

    assert customer.status_code == 200
    figures = customer.json()
    assert figures["loyalty_points"] == 942
    assert figures["total_spent"] == 942.5
    assert figures["total_bookings"] == 2
    assert figures["upcoming_bookings"] == 1
    assert figures["last_booking_date"] is None  # both bookings are still ahead


async def test_a_new_guest_count_is_priced_again(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU)
    staff = await staff_of(client, database, book)
    customer_id = await given_customer(database, book)
    booking = await book_one(
        client,
        staff,
        {
            "customer_id": str(customer_id),
            "event_date": saturday().isoformat(),
            "guest_count": 8,
            "menu_items": ["Hibachi Chicken", "Fried Rice"],
        },
    )

    changed = await client.put(
        f"/api/v1/bookings/{booking['id']}",
        json={"guest_count": 6, "special_requests": "Updated requirements"},
        headers=staff.headers,
    )

    assert (booking["total_amount"], booking["deposit_amount"]) == (360.0, 90.0)
    assert changed.status_code == 200
    body = changed.json()
    assert (body["guest_count"], body["total_amount"], body["deposit_amount"]) == (6, 270.0, 67.5)
    assert [(m["name"], m["quantity"]) for m in body["menu_items"]] == [
        ("Hibachi Chicken", 6),
        ("Fried Rice", 6),
    ]
    assert body["special_requests"] == "Updated requirements"
    assert body["pricing"]["total_amount"] == 270.0


async def test_rescheduling_into_a_full_slot_is_409_and_changes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=1)
    staff = await staff_of(client, database, book)
    await _pending(client, database, book, staff, event_date=saturday(3).isoformat())
    moving = await _pending(client, database, book, staff, event_date=saturday(4).isoformat())

    refused = await client.patch(
        f"/api/v1/bookings/{moving['id']}",
        json={"event_date": saturday(3).isoformat(), "guest_count": 30},
        headers=staff.headers,
    )
    unchanged = await client.get(f"/api/v1/bookings/{moving['id']}", headers=staff.headers)
    moved = await client.patch(
        f"/api/v1/bookings/{moving['id']}",
        json={"event_date": saturday(5).isoformat(), "event_time": "19:00"},
        headers=staff.headers,
    )
    customer_id = await given_customer(database, book)
    into_freed = await client.post(
        "/api/v1/bookings",
        json=seed_001_form(customer_id, book, event_date=saturday(4).isoformat()),
        headers=staff.headers,
    )

    assert refused.status_code == 409
    assert error_of(refused)["error"] == "capacity_exceeded"
    assert unchanged.json() == {k: v for k, v in moving.items() if k != "message"}
    assert moved.status_code == 200
    assert (moved.json()["event_date"], moved.json()["event_time"]) == (
        saturday(5).isoformat(),
        "19:00:00",
    )
    assert into_freed.status_code == 201
    assert await events_named(database, "booking.rescheduled") == [
        {
            "booking_id": moving["id"],
            "from_date": saturday(4).isoformat(),
            "to_date": saturday(5).isoformat(),
            "from_time": "18:00:00",
            "to_time": "19:00:00",
        }
    ]
    assert await count_bookings(database) == 3


async def test_a_finished_booking_cannot_be_rescheduled(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    booking = await _pending(client, database, book, staff)
    await _move(client, staff, booking["id"], "cancelled")

    answer = await client.patch(
        f"/api/v1/bookings/{booking['id']}",
        json={"event_date": saturday(6).isoformat()},
        headers=staff.headers,
    )
    notes = await client.patch(
        f"/api/v1/bookings/{booking['id']}", json={"notes": "Called back"}, headers=staff.headers
    )

    assert answer.status_code == 409
    assert error_of(answer)["message"] == "A cancelled booking can no longer be changed"
    assert notes.status_code == 200
    assert notes.json()["notes"] == "Called back"
