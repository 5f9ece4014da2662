"""GET /bookings (filters, search, sort, pagination) and who may reach each booking route."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from maitred.bookings import service as bookings_service
from maitred.kit.db import Database
from tests.bookings.given import (
    SEED_000_MENU,
    SEED_000_POLICY,
    Book,
    given_book,
    given_customer,
    saturday,
)
from tests.factories import Actor, signed_in_as
from tests.probe_router import error_of

LIST = "/api/v1/bookings"


@dataclass
class Listed:
    book: Book
    staff: Actor
    jane: uuid.UUID
    bob: uuid.UUID
    refs: dict[str, str]  # label -> reference number
    ids: dict[str, str]


async def _given_listed(client: httpx.AsyncClient, database: Database) -> Listed:
    """Five bookings: (label, customer, weeks ahead, guests, event type, final status)."""
    book = await given_book(database, settings=SEED_000_POLICY, menu=SEED_000_MENU)
    jane = await given_customer(database, book)
    bob = await given_customer(database, book, "Bob Wilson", "bob@example.com", "+19165550202")
    plan = [
        ("b1", jane, 3, 10, "birthday", "pending"),
        ("b2", jane, 4, 20, "corporate", "confirmed"),
        ("b3", jane, 5, 5, "birthday", "cancelled"),
        ("b4", bob, 6, 30, "wedding", "pending"),
        ("b5", bob, 7, 15, "other", "confirmed"),
    ]
    refs, ids = {}, {}
    async with database.transaction() as session:
        for label, customer, weeks, guests, kind, status in plan:
            made = await bookings_service.create_booking(
                session,
                organization_id=book.organization.id,
                actor_user_id=None,
                customer_id=customer,
                event_date=saturday(weeks),
                event_time=None,
                guest_count=guests,
                event_type=kind,
                location="Folsom, CA",
                status="confirmed" if status == "cancelled" else status,
            )
            refs[label], ids[label] = made["reference_number"], str(made["id"])
    staff = await signed_in_as(client, database, "staff", book.organization)
    await client.delete(f"{LIST}/{ids['b3']}", headers=staff.headers)
    return Listed(book, staff, jane, bob, refs, ids)


def _labels(listed: Listed, response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    by_id = {v: k for k, v in listed.ids.items()}
    return [by_id[item["id"]] for item in response.json()["items"]]


async def test_filters_search_and_sort(client: httpx.AsyncClient, database: Database) -> None:
    listed = await _given_listed(client, database)

    async def labels(query: str) -> list[str]:
        return _labels(listed, await client.get(f"{LIST}?{query}", headers=listed.staff.headers))

    assert await labels("") == ["b5", "b4", "b3", "b2", "b1"]
    assert await labels("status=PENDING") == ["b4", "b1"]
    assert await labels("status=pending,confirmed&order=asc") == ["b1", "b2", "b4", "b5"]
    window = f"{saturday(4).isoformat()}&event_date_to={saturday(6).isoformat()}"
    assert await labels(f"event_date_from={window}") == ["b4", "b3", "b2"]
    alias = f"date_from={saturday(4).isoformat()}&date_to={saturday(5).isoformat()}"
    assert await labels(alias) == ["b3", "b2"]
    assert await labels(f"customer_id={listed.bob}") == ["b5", "b4"]
    assert await labels("event_type=Wedding") == ["b4"]
    assert await labels(f"search={listed.refs['b2'].lower()}") == ["b2"]
    assert await labels("search=wils") == ["b5", "b4"]
    assert await labels("sort=total_amount&order=asc") == ["b3", "b1", "b5", "b2", "b4"]
    assert await labels("sort=created_at&order=asc") == ["b1", "b2", "b3", "b4", "b5"]


async def test_items_and_pages(client: httpx.AsyncClient, database: Database) -> None:
    listed = await _given_listed(client, database)

    page = await client.get(f"{LIST}?limit=2&page=2&order=asc", headers=listed.staff.headers)

    assert _labels(listed, page) == ["b3", "b4"]
    assert page.json()["pagination"] == {
        "page": 2,
        "limit": 2,
        "total_items": 5,
        "total_pages": 3,
        "has_next": True,
        "has_prev": True,
    }
    b4 = page.json()["items"][1]
    assert b4 == {
        "id": listed.ids["b4"],
        "reference_number": listed.refs["b4"],
        "kind": "catering",
        "event": None,
        "customer": {
            "id": str(listed.bob),
            "name": "Bob Wilson",
            "email": "bob@example.com",
            "phone": "+19165550202",
        },
        "user": {
            "id": str(listed.bob),
            "email": "bob@example.com",
            "first_name": "Bob",
            "last_name": "Wilson",
        },
        "event_date": saturday(6).isoformat(),
        "event_time": "17:00:00",
        "guest_count": 30,
        "event_type": "wedding",
        "location": "Folsom, CA",
        "status": "pending",
        "currency": "USD",
        "total_amount": 1350.0,
        "deposit_amount": 337.5,
        "deposit_paid": False,
        "balance_due": 1350.0,
        "payment_status": "unpaid",
        "booking_date": b4["created_at"],
        "created_at": b4["created_at"],
        "updated_at": b4["updated_at"],
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [("status=booked", "status"), ("sort=guest_count", "sort"), ("order=up", "order")],
)
async def test_bad_list_queries_are_422(
    client: httpx.AsyncClient, database: Database, query: str, field: str
) -> None:
    book = await given_book(database)
    staff = await signed_in_as(client, database, "staff", book.organization)

    answer = await client.get(f"{LIST}?{query}", headers=staff.headers)

    assert answer.status_code == 422
    assert list(error_of(answer)["details"]) == [field]


def _routes(booking_id: str) -> list[tuple[str, str, dict[str, Any] | None]]:
    return [
        ("GET", LIST, None),
        ("GET", f"{LIST}/{booking_id}", None),
        (
            "POST",
            LIST,
            {"customer_id": str(uuid.uuid4()), "event_date": "2030-01-05", "guest_count": 4},
        ),
        ("PUT", f"{LIST}/{booking_id}", {"notes": "x"}),
        ("PATCH", f"{LIST}/{booking_id}", {"status": "confirmed"}),
        ("DELETE", f"{LIST}/{booking_id}", None),
        ("PUT", f"{LIST}/{booking_id}/cancel", {"reason": "x"}),
    ]


async def test_every_route_needs_a_permitted_caller_of_this_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    listed = await _given_listed(client, database)
    booking_id = listed.ids["b1"]
    before = (await client.get(f"{LIST}/{booking_id}", headers=listed.staff.headers)).json()
    admin = await signed_in_as(client, database, "admin", listed.book.organization)
    scoped = await client.post(
        "/api/v1/api-keys",
        json={"name": "CRM sync", "scopes": ["customers:read"]},
        headers=admin.headers,
    )
    no_bookings = {"X-API-Key": scoped.json()["key"]}
    viewer = await signed_in_as(client, database, "viewer", listed.book.organization)
    stranger = await signed_in_as(client, database, "admin")

    for method, path, body in _routes(booking_id):
        anonymous = await client.request(method, path, json=body)
        assert anonymous.status_code == 401, (method, path)
        keyed = await client.request(method, path, json=body, headers=no_bookings)
        assert keyed.status_code == 403, (method, path)
        if method != "GET":
            read_only = await client.request(method, path, json=body, headers=viewer.headers)
            assert read_only.status_code == 403, (method, path)
        if path != LIST:
            foreign = await client.request(method, path, json=body, headers=stranger.headers)
            assert foreign.status_code == 404, (method, path)
            assert error_of(foreign)["message"] == "No such booking"

    elsewhere = await client.get(LIST, headers=stranger.headers)
    assert elsewhere.json()["items"] == []
    after = (await client.get(f"{LIST}/{booking_id}", headers=listed.staff.headers)).json()
    assert after == before
    assert (await client.get(LIST, headers=listed.staff.headers)).json()["pagination"][
        "total_items"
    ] == 5
