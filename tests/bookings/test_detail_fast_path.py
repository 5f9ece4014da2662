"""GET /bookings/{id or reference}'s plain-ASGI route (bookings/detail_fast.py) answers exactly
as its FastAPI route does: each request is sent through it, then again with the route turned
away (so the FastAPI route answers), and the two compared byte for byte as a client sees them."""

from __future__ import annotations

import uuid

import httpx
import pytest
from fastapi import FastAPI

from maitred.bookings.detail_fast import BookingDetailFastPath
from maitred.kit.db import Database
from tests.bookings.test_list_and_access import LIST, _given_listed
from tests.bookings.test_list_fast_path import seen, without_instance
from tests.factories import signed_in_as


async def both(
    client: httpx.AsyncClient,
    app: FastAPI,
    monkeypatch: pytest.MonkeyPatch,
    path: str,
    headers: dict[str, str],
) -> tuple[httpx.Response, httpx.Response]:
    (route,) = (r for r in app.router.routes if isinstance(r, BookingDetailFastPath))
    taken_before = route.taken
    by_fast = await client.get(path, headers=headers)
    assert route.taken == taken_before + 1, path
    with monkeypatch.context() as turned_away:
        turned_away.setattr(route, "path_matches", lambda path: False)
        by_fastapi = await client.get(path, headers=headers)
    assert route.taken == taken_before + 1, path
    return by_fast, by_fastapi


async def test_a_booking_by_id_or_number_is_answered_byte_for_byte_as_by_fastapi(
    client: httpx.AsyncClient, app: FastAPI, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = await _given_listed(client, database)
    for label in ("b1", "b3", "b5"):  # b3 was cancelled: its history has two changes
        for key in (listed.ids[label], listed.refs[label], listed.refs[label].lower()):
            by_fast, by_fastapi = await both(
                client, app, monkeypatch, f"{LIST}/{key}", listed.staff.headers
            )
            assert by_fast.status_code == 200, (key, by_fast.text)
            assert by_fast.json()["id"] == listed.ids[label]
            assert seen(by_fast) == seen(by_fastapi), key


async def test_refusals_are_the_same(
    client: httpx.AsyncClient, app: FastAPI, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = await _given_listed(client, database)
    stranger = await signed_in_as(client, database, "admin")  # another organization's admin
    admin = await signed_in_as(client, database, "admin", listed.book.organization)
    scoped = await client.post(
        "/api/v1/api-keys",
        json={"name": "CRM sync", "scopes": ["customers:read"]},
        headers=admin.headers,
    )
    b1 = f"{LIST}/{listed.ids['b1']}"
    for path, headers, status in [
        (b1, {}, 401),
        (b1, {"X-API-Key": scoped.json()["key"]}, 403),
        (b1, stranger.headers, 404),
        (f"{LIST}/{listed.refs['b1']}", stranger.headers, 404),
        (f"{LIST}/{uuid.uuid4()}", listed.staff.headers, 404),
    ]:
        by_fast, by_fastapi = await both(client, app, monkeypatch, path, headers)
        assert by_fast.status_code == status, (path, by_fast.text)
        assert without_instance(by_fast) == without_instance(by_fastapi), path

    for odd, status in [(f"{b1}?x=1", 422), (f"{LIST}/BK-20-1", 404), (f"{b1}/x", 404)]:
        answer = await client.get(odd, headers=listed.staff.headers)
        assert answer.status_code == status, (odd, answer.text)
