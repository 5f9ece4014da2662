"""kit/param_facts.py: FastAPI's per-parameter facts are derived once, and still right."""

from __future__ import annotations

import httpx

from maitred.kit import param_facts
from maitred.kit.db import Database
from tests.bookings.given import given_book, staff_of


def test_every_derivation_it_replaces_still_exists_in_fastapi() -> None:
    """A FastAPI release that renames one silently loses the speed-up: this says so."""
    assert param_facts.install() == param_facts.PATCHED


async def test_each_request_reads_its_own_parameters(
    client: httpx.AsyncClient, database: Database
) -> None:
    """The kept facts are about the declared parameters, never about a request's values: an
    alias (`per_page`, `page_size`), a repeated parameter and a bad value read as they should,
    one request after another."""
    book = await given_book(database, teams=1)
    staff = await staff_of(client, database, book)
    limits = []
    for params in ({"per_page": 7}, {"page_size": 3}, {"limit": 5}, {}):
        answer = await client.get("/api/v1/bookings", params=params, headers=staff.headers)
        assert answer.status_code == 200, answer.text
        limits.append(answer.json()["pagination"]["limit"])
    assert limits == [7, 3, 5, 20]
    several = await client.get(
        "/api/v1/bookings?status=pending,confirmed&status=cancelled", headers=staff.headers
    )
    assert several.status_code == 200
    refused = await client.get("/api/v1/bookings", params={"limit": 0}, headers=staff.headers)
    assert refused.status_code == 422
