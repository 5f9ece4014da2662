"""Lists: page/limit pagination, allow-listed sorting, cursor pagination (../shared/API.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from maitred.kit.db import Database
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization
from tests.probe_router import ProbeControls, error_of

LIST = "/api/v1/probe/organizations"
FEED = "/api/v1/probe/organizations/feed"
START = datetime(2025, 10, 25, 10, 30, tzinfo=UTC)


async def given_organizations(
    database: Database, count: int, *, created_at: list[datetime] | None = None
) -> list[Organization]:
    """`Org 01`, `Org 02`, …, created a minute apart (or at the given moments)."""
    moments = created_at or [START + timedelta(minutes=i) for i in range(count)]
    async with database.transaction() as session:
        organizations = []
        for i, moment in enumerate(moments, start=1):
            org = await tenancy_service.create(session, name=f"Org {i:02d}")
            org.created_at = moment
            organizations.append(org)
        await session.flush()
    return organizations


def names(response: httpx.Response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


async def test_first_page_uses_the_default_limit_and_newest_first(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    await given_organizations(database, 25)

    response = await client.get(LIST)

    assert response.status_code == 200
    assert names(response) == [f"Org {i:02d}" for i in range(25, 5, -1)]
    assert response.json()["pagination"] == {
        "page": 1,
        "limit": 20,
        "total_items": 25,
        "total_pages": 2,
        "has_next": True,
        "has_prev": False,
    }


async def test_middle_page_has_next_and_previous(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    await given_organizations(database, 25)

    response = await client.get(LIST, params={"page": 2, "limit": 10})

    assert names(response) == [f"Org {i:02d}" for i in range(15, 5, -1)]
    assert response.json()["pagination"] == {
        "page": 2,
        "limit": 10,
        "total_items": 25,
        "total_pages": 3,
        "has_next": True,
        "has_prev": True,
    }


async def test_last_page_is_partial_without_next(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    await given_organizations(database, 25)

    response = await client.get(LIST, params={"page": 3, "limit": 10})

    assert names(response) == ["Org 05", "Org 04", "Org 03", "Org 02", "Org 01"]
    assert response.json()["pagination"]["has_next"] is False
    assert response.json()["pagination"]["has_prev"] is True


async def test_page_past_the_end_is_empty(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    await given_organizations(database, 3)

    response = await client.get(LIST, params={"page": 5, "limit": 2})

    assert response.json() == {
        "items": [],
        "pagination": {
            "page": 5,
            "limit": 2,
            "total_items": 3,
            "total_pages": 2,
            "has_next": False,
            "has_prev": True,
        },
    }


async def test_empty_list_has_no_pages(client: httpx.AsyncClient, probe: ProbeControls) -> None:
    response = await client.get(LIST)

    assert response.json() == {
        "items": [],
        "pagination": {
            "page": 1,
            "limit": 20,
            "total_items": 0,
            "total_pages": 0,
            "has_next": False,
            "has_prev": False,
        },
    }


@pytest.mark.parametrize("alias", ["limit", "per_page", "page_size"])
async def test_limit_aliases(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database, alias: str
) -> None:
    await given_organizations(database, 5)

    response = await client.get(LIST, params={alias: 2, "page": 2})

    assert names(response) == ["Org 03", "Org 02"]
    assert response.json()["pagination"]["limit"] == 2
    assert response.json()["pagination"]["total_pages"] == 3


async def test_limit_of_100_is_allowed(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    await given_organizations(database, 3)

    response = await client.get(LIST, params={"limit": 100})

    assert response.status_code == 200
    assert response.json()["pagination"]["limit"] == 100


@pytest.mark.parametrize("alias", ["limit", "per_page", "page_size"])
async def test_limit_over_100_is_422(
    client: httpx.AsyncClient, probe: ProbeControls, alias: str
) -> None:
    response = await client.get(LIST, params={alias: 101})

    assert response.status_code == 422
    assert error_of(response) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": {alias: "Input should be less than or equal to 100"},
    }


@pytest.mark.parametrize(
    ("params", "details"),
    [
        ({"page": 0}, {"page": "Input should be greater than or equal to 1"}),
        ({"limit": 0}, {"limit": "Input should be greater than or equal to 1"}),
    ],
)
async def test_page_and_limit_start_at_one(
    client: httpx.AsyncClient,
    probe: ProbeControls,
    params: dict[str, int],
    details: dict[str, str],
) -> None:
    response = await client.get(LIST, params=params)

    assert response.status_code == 422
    assert error_of(response)["details"] == details


async def test_sort_by_an_allowed_field_in_both_directions(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    organizations = await given_organizations(database, 3)
    async with database.transaction() as session:
        for org, name in zip(organizations, ["Cafe", "Bistro", "Alehouse"], strict=True):
            stored = await session.get(Organization, org.id)
            assert stored is not None
            stored.name = name

    ascending = await client.get(LIST, params={"sort": "name", "order": "asc"})
    descending = await client.get(LIST, params={"sort": "name", "order": "DESC"})

    assert names(ascending) == ["Alehouse", "Bistro", "Cafe"]
    assert names(descending) == ["Cafe", "Bistro", "Alehouse"]


async def test_sort_by_created_at_ascending(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    await given_organizations(database, 3)

    response = await client.get(LIST, params={"sort": "created_at", "order": "asc"})

    assert names(response) == ["Org 01", "Org 02", "Org 03"]


async def test_sort_by_a_field_not_offered_is_422(
    client: httpx.AsyncClient, probe: ProbeControls
) -> None:
    response = await client.get(LIST, params={"sort": "settings"})

    assert response.status_code == 422
    assert error_of(response) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": {"sort": "Cannot sort by 'settings'; use one of created_at, name"},
    }


async def test_unknown_order_is_422(client: httpx.AsyncClient, probe: ProbeControls) -> None:
    response = await client.get(LIST, params={"order": "sideways"})

    assert response.status_code == 422
    assert error_of(response)["details"] == {"order": "Use 'asc' or 'desc'"}


async def test_cursor_pages_return_every_row_once_newest_first(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    """Three rows share one creation time, so the order falls back on the id."""
    tie = START + timedelta(minutes=3)
    moments = [START, START + timedelta(minutes=1), tie, tie, tie, START + timedelta(minutes=5)]
    moments.append(START + timedelta(minutes=6))
    organizations = await given_organizations(database, 7, created_at=moments)
    expected = [
        str(org.id)
        for org in sorted(organizations, key=lambda o: (o.created_at, o.id.hex), reverse=True)
    ]

    pages, cursor = [], None
    while True:
        params: dict[str, str | int] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        response = await client.get(FEED, params=params)
        assert response.status_code == 200
        pages.append([item["id"] for item in response.json()["items"]])
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break

    assert [len(page) for page in pages] == [3, 3, 1]
    assert [row for page in pages for row in page] == expected


async def test_cursor_page_that_ends_exactly_has_no_next_cursor(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    await given_organizations(database, 4)

    first = await client.get(FEED, params={"limit": 2})
    second = await client.get(FEED, params={"limit": 2, "cursor": first.json()["next_cursor"]})

    assert names(first) == ["Org 04", "Org 03"]
    assert names(second) == ["Org 02", "Org 01"]
    assert second.json()["next_cursor"] is None


async def test_cursor_is_not_shifted_by_newer_rows(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    await given_organizations(database, 4)
    first = await client.get(FEED, params={"limit": 2})
    async with database.transaction() as session:
        await tenancy_service.create(session, name="Newcomer")

    second = await client.get(FEED, params={"limit": 2, "cursor": first.json()["next_cursor"]})

    assert names(second) == ["Org 02", "Org 01"]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "WzFd",
        "bm90LWpzb24",
        "WyJub3QtYS1kYXRlIiwgIngiXQ",
        "!!!",
        "eyJhIjoxfQ",
        "bnVsbA",
        "WyIyMDI1LTEwLTI1VDEwOjMwOjAwIiwiNmYxYzJiMWUtNmYxYy00YjFlLThmMWMtMmIxZTZmMWMyYjFlIl0",
    ],
    ids=[
        "not-base64-json",
        "one-element",
        "not-json",
        "not-a-date",
        "bad-alphabet",
        "object",
        "null",
        "date-without-offset",
    ],
)
async def test_garbage_cursor_is_422(
    client: httpx.AsyncClient, probe: ProbeControls, cursor: str
) -> None:
    response = await client.get(FEED, params={"cursor": cursor})

    assert response.status_code == 422
    assert error_of(response) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": {"cursor": "Invalid cursor"},
    }
