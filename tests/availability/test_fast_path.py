"""GET /availability's plain-ASGI route (availability/fast.py) answers exactly as its FastAPI
route does, and hands that route everything but the plain case.

A parameter sent twice (the same value) always goes to the FastAPI route, which reads the last
one, so each pair below is one request through each, compared byte for byte as a client sees
them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from maitred.availability.fast import AvailabilityFastPath
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.availability.given import given_team, next_weekday
from tests.availability.test_availability import AVAILABILITY, given_staff, taken
from tests.factories import signed_in_as

PER_REQUEST = {"x-request-id", "x-ratelimit-reset", "ratelimit", "ratelimit-policy"}
SETTINGS = {"availability": {"max_guests_per_team": 10, "min_notice_hours": 0}}


def fast_path(app: FastAPI) -> AvailabilityFastPath:
    (route,) = (r for r in app.router.routes if isinstance(r, AvailabilityFastPath))
    return route


def seen(answer: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    headers = [(k, "" if k in PER_REQUEST else v) for k, v in answer.headers.multi_items()]
    return answer.status_code, headers, answer.content


def without_instance(answer: httpx.Response) -> dict[str, Any]:
    return {k: v for k, v in answer.json().items() if k not in ("request_id", "timestamp")}


async def both(
    client: httpx.AsyncClient, app: FastAPI, query: str, headers: dict[str, str]
) -> tuple[httpx.Response, httpx.Response]:
    """`query` through the fast path (checked), then with its first parameter repeated
    through the FastAPI route."""
    route = fast_path(app)
    taken_before = route.taken
    by_fast = await client.get(f"{AVAILABILITY}?{query}", headers=headers)
    assert route.taken == taken_before + 1
    repeated = f"{query}&{query.split('&')[0]}"
    by_fastapi = await client.get(f"{AVAILABILITY}?{repeated}", headers=headers)
    assert route.taken == taken_before + 1
    return by_fast, by_fastapi


async def test_the_plain_case_is_answered_byte_for_byte_as_by_fastapi(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    staff, organization = await given_staff(client, database, SETTINGS)
    for name in ("Team Fuji", "Team Sakura"):
        await given_team(database, organization, name)
    day = next_weekday(6)
    await taken(database, organization, day, "18:00")  # a party of 20 needs both teams
    queries = [
        f"date={day + timedelta(days=1)}&guest_count=20&location=Folsom%2C%20CA",
        f"date={day}&guest_count=20",  # full: the fortnight of alternatives
        f"guest_count=8&date={day}",
    ]
    answers = []
    for query in queries:
        by_fast, by_fastapi = await both(client, app, query, staff.headers)
        assert by_fast.status_code == 200, by_fast.text
        assert seen(by_fast) == seen(by_fastapi)
        answers.append(by_fast.json())
    assert [a["available"] for a in answers] == [True, False, True]
    assert answers[1]["alternative_dates"][0]["date"] == str(day + timedelta(days=1))


async def test_refusals_are_the_same_and_anything_unusual_goes_to_fastapi(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    staff, organization = await given_staff(client, database, SETTINGS)
    facilitator = await signed_in_as(client, database, Role.facilitator, organization)
    query = f"date={next_weekday(6)}&guest_count=4"

    for headers in ({}, facilitator.headers):
        by_fast, by_fastapi = await both(client, app, query, headers)
        assert by_fast.status_code in (401, 403)
        status, headers_seen, _ = seen(by_fast)
        assert (status, headers_seen, without_instance(by_fast)) == (
            *seen(by_fastapi)[:2],
            without_instance(by_fastapi),
        )

    route = fast_path(app)
    taken_before = route.taken
    for odd, status in [
        ("guest_count=0", 422),
        ("guest_count=501", 422),
        ("guest_count=%2B4", 200),  # "+4": pydantic's, not ours to judge
        ("date=2026-02-30", 422),
        ("date=20261213", 422),
        ("date=0999-12-31", 422),
        ("location=" + "x" * 301, 422),
        ("days=3", 200),
        ("org=x", 422),
    ]:
        answer = await client.get(f"{AVAILABILITY}?{odd}", headers=staff.headers)
        assert answer.status_code == status, (odd, answer.text)
    assert route.taken == taken_before
