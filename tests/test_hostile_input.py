"""Hostile input the probe of issue 17 sent: each answered 500, and is now a 4xx in the envelope.

The paginated lists are found in the route table (every route with a `page` query parameter),
so a new list is attacked too.
"""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from maitred.kit.db import Database
from maitred.kit.pagination import MAX_PAGE
from tests.bookings.given import given_book
from tests.events.given import given_event
from tests.factories import signed_in_as

HUGE_PAGE = "1838936173827079200899722117120"  # the fuzzer's: (page - 1) * limit overflowed


def paginated_lists(app: FastAPI) -> list[str]:
    paths = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if (
            isinstance(route, APIRoute)
            and context.include_in_schema
            and "GET" in (context.methods or ())
            and not route.dependant.path_params
            and any(p.alias == "page" for p in _query_params(route))
        ):
            paths.append(context.path_format)
    return paths


def _query_params(route: APIRoute) -> list[object]:
    found, pending = list(route.dependant.query_params), list(route.dependant.dependencies)
    while pending:
        dependant = pending.pop()
        found.extend(dependant.query_params)
        pending.extend(dependant.dependencies)
    return found


async def test_a_huge_page_is_422_on_every_paginated_list_and_the_last_page_answers(
    client: httpx.AsyncClient, database: Database, app: FastAPI
) -> None:
    admin = await signed_in_as(client, database, "admin")
    lists = paginated_lists(app)
    assert len(lists) >= 15  # 18 when written (4 more take an id, through the same Pagination)
    for path in lists:
        huge = await client.get(path, params={"page": HUGE_PAGE}, headers=admin.headers)
        assert huge.status_code == 422, (path, huge.text)
        assert huge.json()["error"] == "validation_error"
        assert "page" in huge.json()["details"]
        last = await client.get(
            path, params={"page": MAX_PAGE, "limit": 100}, headers=admin.headers
        )
        assert last.status_code in (200, 422), (path, last.text)  # 422: a filter it requires
        if last.status_code == 200:  # seed 002's CRM service calls its items "bookings"
            answer = last.json()
            assert answer.get("items", answer.get("bookings")) == [], (path, answer)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-12-31", "3000-01-01"])
async def test_public_availability_of_an_absurd_date_is_422_without_signing_in(
    client: httpx.AsyncClient, database: Database, day: str
) -> None:
    book = await given_book(database)
    response = await client.get(
        "/api/v1/public/availability",
        params={"date": day},
        headers={"X-Tenant-ID": str(book.organization.id)},
    )
    assert response.status_code == 422, response.text
    assert response.json()["details"] == {"date": "Use a date between 1900-01-01 and 2999-12-31"}


async def test_date_filters_at_the_ends_of_the_calendar_are_422_not_500(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    for path, field in [
        ("/api/v1/bookings", "event_date_to"),
        ("/api/v1/payments", "date_to"),
        ("/api/v1/payments/summary", "date_from"),
        ("/api/v1/leads", "date_to"),
        ("/api/v1/events", "date_from"),
        ("/api/v1/notifications/history", "date_to"),
    ]:
        response = await client.get(path, params={field: "9999-12-31"}, headers=admin.headers)
        assert response.status_code == 422, (path, response.text)
        assert field in response.json()["details"]


async def test_a_405_names_every_method_of_the_path(client: httpx.AsyncClient) -> None:
    """Each method of a resource is a route of its own; Starlette named only the first's."""
    booking = "/api/v1/bookings/e3e70682-c209-1cac-a29f-6fbed82c07cd"
    answer = await client.request("OPTIONS", booking)
    assert answer.status_code == 405
    assert answer.headers["allow"] == "DELETE, GET, PATCH, PUT"
    assert answer.json()["error"] == "method_not_allowed"
    assert (await client.request("OPTIONS", "/api/bookings")).headers["allow"] == "GET, POST"


async def test_a_literal_sub_path_is_not_taken_for_an_id(client: httpx.AsyncClient) -> None:
    """GET /events/series was GET /events/{event_id} with a malformed id (422)."""
    answer = await client.get("/api/v1/events/series")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    assert (await client.get("/api/v1/payments/process")).headers["allow"] == "POST"


async def test_every_operation_declares_the_envelope_errors_it_can_answer(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    booking = document["paths"]["/api/v1/bookings/{booking_id}"]["patch"]["responses"]
    assert set(booking) >= {"200", "400", "401", "403", "404", "409", "422", "429", "500", "503"}
    error_body = {"$ref": "#/components/schemas/ErrorBody"}
    assert booking["422"]["content"]["application/json"]["schema"] == error_body
    assert "HTTPValidationError" not in document["components"]["schemas"]
    public = document["paths"]["/api/v1/public/availability"]["get"]["responses"]
    assert "404" in public  # X-Tenant-ID may name no organization
    assert "401" not in public


async def test_the_waitlist_of_a_deleted_or_unknown_event_is_404(
    client: httpx.AsyncClient, database: Database
) -> None:
    """It answered 200 (an empty queue) and 400, as if the event still existed."""
    book = await given_book(database)
    admin = await signed_in_as(client, database, "admin", book.organization)
    event_id = await given_event(database, book.organization)
    assert (
        await client.delete(f"/api/v1/events/{event_id}", headers=admin.headers)
    ).status_code == 204
    for event in (event_id, "e3e70682-c209-1cac-a29f-6fbed82c07cd"):
        path = f"/api/v1/events/{event}/waitlist"
        for method in ("GET", "POST", "DELETE"):
            answer = await client.request(
                method, path, headers=admin.headers, json={} if method == "POST" else None
            )
            assert answer.status_code == 404, (method, path, answer.text)
            assert answer.json()["message"] == "No such event"
