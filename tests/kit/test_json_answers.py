"""Answers written straight to JSON (kit/json_answers.py) are the bytes FastAPI wrote by
validating into the response model and dumping it: for awkward values directly, and for the
routes that use it (GET /bookings, GET /availability and its public twin) through HTTP, where
each answer must read back through its model unchanged."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from pydantic import BaseModel, TypeAdapter

from maitred.availability.schemas import AvailabilityDays, AvailabilityRead
from maitred.bookings.schemas import BookingRead, BookingSummary
from maitred.kit.db import Database
from maitred.kit.json_answers import json_bytes, shape_of
from maitred.kit.pagination import Page, PaginationInfo
from tests.bookings.given import (
    book_one,
    given_book,
    given_customer,
    saturday,
    seed_001_form,
    staff_of,
)


def fastapi_bytes(model: type[BaseModel], value: Any) -> bytes:
    """What FastAPI's dump_json path writes for `value` under `response_model=model`."""
    adapter = TypeAdapter(model)
    return adapter.dump_json(adapter.validate_python(value))


def _summary(n: int, **more: Any) -> dict[str, Any]:
    customer = uuid.uuid4()
    return {
        "extra_key_validation_drops": "x",
        "id": uuid.uuid4(),
        "reference_number": f"BK-2026-{n:06d}",
        "kind": "catering",
        "customer": {"id": customer, "name": 'Zoë "Ü" <Ng>', "email": None, "phone": "+1916"},
        "user": {"id": customer, "email": None, "first_name": "Zoë", "last_name": ""},
        "event_date": date(2026, 12, 21),
        "event_time": time(18, 30),
        "guest_count": 12,
        "event_type": "birthday",
        "location": "Folsom, CA",
        "status": "pending",
        "currency": "USD",
        "total_amount": Decimal("942.505"),
        "deposit_amount": Decimal("100"),
        "event": None,
        "booking_date": datetime(2026, 12, 1, 5, 6, 7, 123400, tzinfo=UTC),
        "created_at": datetime(2026, 12, 1, 5, 6, 7, 123400, tzinfo=UTC),
        "updated_at": datetime(2026, 12, 1, 5, 6, 7, tzinfo=ZoneInfo("America/Los_Angeles")),
        "deposit_paid": False,
        "balance_due": 0,
        "payment_status": "unpaid",
        **more,
    }


def test_awkward_values_are_written_as_fastapi_wrote_them() -> None:
    event = {
        "id": uuid.uuid4(),
        "title": "Knife skills",
        "event_type": "class",
        "start_datetime": datetime(2026, 12, 21, 18, tzinfo=UTC),
        "end_datetime": datetime(2026, 12, 21, 20, tzinfo=UTC),
        "facilitator_id": None,
    }
    page = {
        "items": [_summary(1), _summary(2, event=event, total_amount=Decimal("0.10"))],
        "pagination": PaginationInfo(
            page=1, limit=20, total_items=2, total_pages=1, has_next=False, has_prev=False
        ),
    }
    assert json_bytes(Page[BookingSummary], page) == fastapi_bytes(Page[BookingSummary], page)
    assert json_bytes(Page[BookingSummary], page | {"items": []}) == fastapi_bytes(
        Page[BookingSummary], page | {"items": []}
    )
    slots = [{"time": "17:00", "capacity": 2, "available": True, "note": "dropped"}]
    day = {
        "date": date(2026, 12, 21),
        "available": True,
        "reason": None,
        "available_slots": ["17:00"],
        "slots": slots,
        "price_estimate": {
            "base_price": Decimal("270"),
            "deposit_required": Decimal("67.5"),
            "total_estimate": Decimal("1e3"),
        },
        "alternative_dates": [{"date": date(2026, 12, 22), "available_slots": []}],
    }
    assert json_bytes(AvailabilityRead, day) == fastapi_bytes(AvailabilityRead, day)
    days = {"days": [day | {"price_estimate": None}]}
    assert json_bytes(AvailabilityDays, days) == fastapi_bytes(AvailabilityDays, days)


def test_a_model_it_cannot_write_exactly_is_refused_when_shaped() -> None:
    class Loose(BaseModel):
        amount: Decimal  # pydantic writes a string; refused rather than guessed

    with pytest.raises(TypeError, match="Loose.amount"):
        shape_of(Loose)
    assert shape_of(BookingRead).fields  # the detail's model is supported too


def read_back(answer: httpx.Response, model: Any) -> None:
    """The answer is JSON its model reads back unchanged, byte for byte."""
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    adapter = TypeAdapter(model)
    assert adapter.dump_json(adapter.validate_json(answer.content)) == answer.content


async def test_the_routes_answers_read_back_through_their_models(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, teams=1)
    staff = await staff_of(client, database, book)
    jane = await given_customer(database, book, name="Jane Ünder <Smith>")
    when = saturday(3)
    for weeks in (3, 4):
        await book_one(client, staff, seed_001_form(jane, book, event_date=str(saturday(weeks))))

    listed = await client.get("/api/v1/bookings", headers=staff.headers)
    read_back(listed, Page[BookingSummary])
    assert listed.json()["pagination"]["total_items"] == 2
    assert listed.json()["items"][0]["customer"]["name"] == "Jane Ünder <Smith>"
    empty = await client.get("/api/v1/bookings?search=nobody", headers=staff.headers)
    read_back(empty, Page[BookingSummary])

    full = await client.get(
        "/api/v1/availability", params={"date": str(when), "guest_count": 20}, headers=staff.headers
    )
    read_back(full, AvailabilityRead)
    assert full.json()["available"] is False
    assert full.json()["alternative_dates"]
    free = await client.get(
        "/api/v1/availability",
        params={"date": str(when + timedelta(days=1)), "guest_count": 20},
        headers=staff.headers,
    )
    read_back(free, AvailabilityRead)
    assert free.json()["available"] is True
    assert set(free.json()["price_estimate"]) == {
        "base_price",
        "deposit_required",
        "total_estimate",
    }
    run = await client.get(
        "/api/v1/availability", params={"date": str(when), "days": 3}, headers=staff.headers
    )
    read_back(run, AvailabilityDays)
    assert [d["available"] for d in run.json()["days"]][:2] == [False, True]
    public = await client.get(
        "/api/v1/public/availability",
        params={"date": str(when), "org": book.organization.slug},
    )
    read_back(public, AvailabilityRead)
    assert public.json()["slots"] == full.json()["slots"]
