"""POST /public/bookings: seed 001's request, answer and validation rules, the honeypot, and a
full slot."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from maitred.customers.models import DroppedSubmission
from maitred.kit.db import Database
from maitred.kit.worker import Worker
from tests.bookings.given import (
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
from tests.probe_router import error_of

FORM = "/api/v1/public/bookings"
REQUIRED = "Field is required and cannot be empty"
RECEIVED = "Booking request received. We'll confirm within 48 hours."


def seed_form(**changes: Any) -> dict[str, Any]:
    """Seed 001's example request (with a phone number that exists)."""
    form: dict[str, Any] = {
        "name": "Jane Smith",
        "phone": "(916) 555-0142",
        "email": "jane@example.com",
        "event_date": saturday().isoformat(),
        "event_time": "18:00",
        "guest_count": 25,
        "event_type": "birthday",
        "location": "Sacramento, CA",
        "message": "Outdoor birthday party",
        "source": "booking_form",
        "honeypot": "",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


async def post(client: httpx.AsyncClient, book: Book, form: dict[str, Any]) -> httpx.Response:
    return await client.post(FORM, json=form, headers={"X-Tenant-ID": str(book.organization.id)})


async def test_a_request_becomes_a_pending_booking_and_a_lead(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SEED_000_POLICY)

    answer = await post(client, book, seed_form())

    assert answer.status_code == 201
    body = answer.json()
    year = body["reference_number"][3:7]
    assert body == {
        "success": True,
        "booking_id": body["booking_id"],
        "reference_number": f"BK-{year}-000001",
        "status": "pending",
        "estimated_cost": 1125.0,
        "deposit_amount": 281.25,
        "currency": "USD",
        "message": RECEIVED,
        "next_steps": [
            "We'll review your request",
            "You'll receive a quote via email",
            "Confirm your booking with a $281.25 deposit",
        ],
        "outside_service_area": False,
    }
    staff = await staff_of(client, database, book)
    booking = (
        await client.get(f"/api/v1/bookings/{body['booking_id']}", headers=staff.headers)
    ).json()
    assert booking["status"] == "pending"
    assert booking["source"] == "public"
    assert booking["location"] == "Sacramento, CA"
    assert booking["special_requests"] == "Outdoor birthday party"
    assert booking["customer"]["phone"] == "+19165550142"
    assert booking["hold_expires_at"] is not None
    [event] = await events_named(database, "booking.created")
    assert event["source"] == "public"
    assert event["message"] == "Outdoor birthday party"
    await Worker(database).run_once()
    leads = (await client.get("/api/v1/leads", headers=staff.headers)).json()["items"]
    assert len(leads) == 1


def _monday() -> str:
    day = saturday() + timedelta(days=2)
    assert day.isoweekday() == 1
    return day.isoformat()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", REQUIRED),
        ({"name": "J"}, "name", "Name must be 2-100 characters"),
        ({"name": "J" * 101}, "name", "Name must be 2-100 characters"),
        ({"phone": None}, "phone", REQUIRED),
        (
            {"phone": "12345"},
            "phone",
            "Invalid phone number format (too short: 5 digits after +1, where numbers have 10)",
        ),
        ({"email": "not-an-email"}, "email", "Invalid email format"),
        ({"event_date": None}, "event_date", REQUIRED),
        ({"event_date": "2020-01-04"}, "event_date", "Event date must be in the future"),
        ({"event_date": _monday()}, "event_date", "We are closed on Mondays"),
        ({"event_time": "6pm"}, "event_time", "Use the format HH:MM"),
        ({"event_time": "18:30"}, "event_time", "Choose one of 17:00, 18:00, 19:00"),
        ({"guest_count": None}, "guest_count", REQUIRED),
        ({"guest_count": 0}, "guest_count", "Guest count must be between 1 and 500"),
        ({"guest_count": 501}, "guest_count", "Guest count must be between 1 and 500"),
        (
            {"event_type": "funeral"},
            "event_type",
            "Must be one of: birthday, wedding, corporate, anniversary, other",
        ),
        ({"location": ""}, "location", REQUIRED),
        ({"message": "x" * 1001}, "message", "Message must be at most 1000 characters"),
    ],
)
async def test_each_rule_of_the_form(
    client: httpx.AsyncClient,
    database: Database,
    changes: dict[str, Any],
    field: str,
    message: str,
) -> None:
    book = await given_book(database)

    answer = await post(client, book, seed_form(**changes))

    assert answer.status_code == 422
    assert error_of(answer) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": {field: message},
    }
    assert await count_bookings(database) == 0


async def test_every_mistake_is_named_at_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)

    answer = await post(client, book, {"name": "", "phone": "invalid", "email": "not-an-email"})

    assert answer.status_code == 422
    assert error_of(answer)["details"] == {
        "name": REQUIRED,
        "phone": "Invalid phone number format",
        "email": "Invalid email format",
        "event_date": REQUIRED,
        "guest_count": REQUIRED,
        "location": REQUIRED,
    }


async def test_a_filled_honeypot_looks_accepted_but_stores_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)

    answer = await post(client, book, seed_form(honeypot="http://spam.example"))

    assert answer.status_code == 201
    body = answer.json()
    assert set(body) == {
        "success",
        "booking_id",
        "reference_number",
        "status",
        "estimated_cost",
        "deposit_amount",
        "currency",
        "message",
        "next_steps",
        "outside_service_area",
    }
    assert (body["success"], body["status"], body["message"]) == (True, "pending", RECEIVED)
    assert await count_bookings(database) == 0
    assert await events_named(database, "booking.created") == []
    async with database.transaction(write=False) as session:
        dropped = (await session.scalars(select(DroppedSubmission))).all()
    assert [(d.form, d.count) for d in dropped] == [("booking", 1)]


async def test_a_full_slot_is_409(client: httpx.AsyncClient, database: Database) -> None:
    book = await given_book(database, teams=1)
    staff = await staff_of(client, database, book)
    await book_one(client, staff, seed_001_form(await given_customer(database, book), book))

    answer = await post(client, book, seed_form())

    assert answer.status_code == 409
    assert error_of(answer)["error"] == "capacity_exceeded"
    assert await count_bookings(database) == 1


async def test_unknown_fields_are_refused(client: httpx.AsyncClient, database: Database) -> None:
    book = await given_book(database)

    answer = await post(client, book, seed_form(guests=4))

    assert answer.status_code == 422
    assert error_of(answer)["details"] == {"guests": "Unknown field"}
