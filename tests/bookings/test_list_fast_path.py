"""GET /bookings' plain-ASGI route (bookings/list_fast.py) answers exactly as its FastAPI route
does, and hands that route everything but the plain case.

A parameter sent twice (the same value) always goes to the FastAPI route, which reads the last
one, so each pair below is one request through each, compared byte for byte as a client sees
them."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from maitred.bookings.list_fast import BookingListFastPath
from maitred.kit.db import Database
from tests.bookings.given import saturday
from tests.bookings.test_list_and_access import LIST, _given_listed
from tests.factories import signed_in_as

PER_REQUEST = {"x-request-id", "x-ratelimit-reset", "ratelimit", "ratelimit-policy"}


def fast_path(app: FastAPI) -> BookingListFastPath:
    (route,) = (r for r in app.router.routes if isinstance(r, BookingListFastPath))
    return route


def seen(answer: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(k, "" if k in PER_REQUEST else v) for k, v in answer.headers.multi_items()]
    return answer.status_code, headers, answer.content


def without_instance(answer: httpx.Response) -> tuple[int, list[tuple[str, str]], Any]:
    body = {k: v for k, v in answer.json().items() if k not in ("request_id", "timestamp")}
    return seen(answer)[0], seen(answer)[1], body


async def both(
    client: httpx.AsyncClient, app: FastAPI, query: str, headers: dict[str, str]
) -> tuple[httpx.Response, httpx.Response]:
    """`query` through the fast path (checked), then with its first parameter repeated
    through the FastAPI route (checked)."""
    route = fast_path(app)
    taken_before = route.taken
    by_fast = await client.get(f"{LIST}?{query}", headers=headers)
    assert route.taken == taken_before + 1, query
    repeated = f"{query}&{query.split('&')[0]}"
    by_fastapi = await client.get(f"{LIST}?{repeated}", headers=headers)
    assert route.taken == taken_before + 1, query
    return by_fast, by_fastapi


async def test_filters_sorts_and_pages_are_answered_byte_for_byte_as_by_fastapi(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    listed = await _given_listed(client, database)
    month = f"event_date_from={saturday(4)}&event_date_to={saturday(6)}"
    queries = [
        f"status=confirmed&{month}&sort=event_date&order=asc",  # bench/book.py's row
        "page=1",
        "status=PENDING",
        "status=pending,confirmed&order=asc",
        f"date_from={saturday(4)}&date_to={saturday(5)}",
        "event_type=Wedding",
        "search=wils",
        f"search={listed.refs['b2'].lower()}",
        "sort_by=total_amount&sort_order=asc",
        "sort=created_at&order=desc&kind=catering",
        "limit=2&page=2&order=asc",
        "per_page=2&page=3",
        "page_size=3",
        "page=9",  # past the end
    ]
    totals = []
    for query in queries:
        by_fast, by_fastapi = await both(client, app, query, listed.staff.headers)
        assert by_fast.status_code == 200, (query, by_fast.text)
        assert seen(by_fast) == seen(by_fastapi), query
        totals.append(by_fast.json()["pagination"]["total_items"])
    assert totals == [1, 5, 2, 4, 2, 1, 2, 1, 5, 5, 5, 5, 5, 5]

    stranger = await signed_in_as(client, database, "admin")  # another organization's admin
    by_fast, by_fastapi = await both(client, app, "status=pending", stranger.headers)
    assert by_fast.json()["items"] == []
    assert seen(by_fast) == seen(by_fastapi)


async def test_refusals_are_the_same_and_anything_unusual_goes_to_fastapi(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    listed = await _given_listed(client, database)
    admin = await signed_in_as(client, database, "admin", listed.book.organization)
    scoped = await client.post(
        "/api/v1/api-keys",
        json={"name": "CRM sync", "scopes": ["customers:read"]},
        headers=admin.headers,
    )
    for query, headers, status in [
        ("page=1", {}, 401),
        ("page=1", {"X-API-Key": scoped.json()["key"]}, 403),
        ("status=booked", listed.staff.headers, 422),
        ("kind=party", listed.staff.headers, 422),
    ]:
        by_fast, by_fastapi = await both(client, app, query, headers)
        assert by_fast.status_code == status, (query, by_fast.text)
        assert without_instance(by_fast) == without_instance(by_fastapi), query

    route = fast_path(app)
    taken_before = route.taken
    for odd, status in [
        ("upcoming=true", 200),
        (f"customer_id={listed.bob}", 200),
        ("created_from=2020-01-01", 200),
        ("sort=event_date&sort_by=created_at", 200),
        ("unknown=1", 422),
        ("limit=0", 422),
        ("limit=101", 422),
        ("page=0", 422),
        ("page=1000001", 422),
        ("event_date_from=2026-02-30", 422),
        ("date_to=0999-12-31", 422),
        ("sort=guest_count", 422),
        ("order=up", 422),
        ("order=ASC", 200),
        ("search=" + "x" * 201, 422),
        ("event_type=" + "x" * 33, 422),
    ]:
        answer = await client.get(f"{LIST}?{odd}", headers=listed.staff.headers)
        assert answer.status_code == status, (odd, answer.text)
    assert route.taken == taken_before
