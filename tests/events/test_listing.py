"""GET /events: seed 002's filters, soonest first, paginated."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.events.given import (
    EVENTS,
    FACILITATORS,
    YEAR,
    given_event,
    given_facilitator,
    titles,
)
from tests.factories import given_organization, signed_in_as
from tests.probe_router import error_of


async def test_events_are_filtered_by_type_facilitator_status_and_search(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    org = admin.organization
    assert org is not None
    jane = await given_facilitator(database, org, "Jane Smith")
    await given_event(
        database,
        org,
        title="Yoga 50% Off",
        facilitator_id=jane,
        start_datetime=f"{YEAR}-02-01T07:00:00",
        end_datetime=f"{YEAR}-02-01T08:00:00",
    )
    await given_event(
        database,
        org,
        title="Desert Retreat",
        event_type="retreat",
        description="Three days of YOGA and silence",
        start_datetime=f"{YEAR}-01-10T09:00:00",
        end_datetime=f"{YEAR}-01-12T17:00:00",
    )
    await given_event(database, org, title="Breathwork", status="draft")
    other = await given_organization(database, "Other Studio")
    await given_event(database, other, title="Their Yoga")

    assert await titles(client, admin) == ["Desert Retreat", "Yoga 50% Off"]
    assert await titles(client, admin, type="RETREAT") == ["Desert Retreat"]
    assert await titles(client, admin, event_type="session") == ["Yoga 50% Off"]
    assert await titles(client, admin, facilitator_id=str(jane)) == ["Yoga 50% Off"]
    assert await titles(client, admin, search="yoga") == ["Desert Retreat", "Yoga 50% Off"]
    assert await titles(client, admin, search="50%") == ["Yoga 50% Off"]
    assert await titles(client, admin, search="5_%") == []
    assert await titles(client, admin, status="draft") == ["Breathwork"]
    assert await titles(client, admin, status="all") == [
        "Desert Retreat",
        "Breathwork",
        "Yoga 50% Off",
    ]


async def test_dates_are_local_days_of_the_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    # 23:30 in Los Angeles on March 3 is already March 4 in UTC.
    await given_event(
        database,
        admin.organization,
        title="Night Sit",
        start_datetime=f"{YEAR}-03-03T23:30:00",
        end_datetime=f"{YEAR}-03-04T00:30:00",
    )
    await given_event(
        database,
        admin.organization,
        title="Dawn Sit",
        start_datetime=f"{YEAR}-03-04T06:00:00",
        end_datetime=f"{YEAR}-03-04T07:00:00",
    )

    assert await titles(client, admin, date_from=f"{YEAR}-03-03", date_to=f"{YEAR}-03-03") == [
        "Night Sit"
    ]
    assert await titles(client, admin, date_from=f"{YEAR}-03-04") == ["Dawn Sit"]
    assert await titles(client, admin, date_to=f"{YEAR}-03-03") == ["Night Sit"]
    backwards = await client.get(
        EVENTS,
        params={"date_from": f"{YEAR}-03-04", "date_to": f"{YEAR}-03-03"},
        headers=admin.headers,
    )
    assert backwards.status_code == 422
    assert error_of(backwards)["details"] == {"date_to": "Must not be before date_from"}


async def test_upcoming_leaves_out_events_that_started(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    await given_event(
        database,
        admin.organization,
        title="Last Year",
        start_datetime="2020-01-15T07:00:00",
        end_datetime="2020-01-15T08:00:00",
    )
    await given_event(database, admin.organization, title="Next Year")

    assert await titles(client, admin) == ["Last Year", "Next Year"]
    assert await titles(client, admin, upcoming="true") == ["Next Year"]


async def test_events_are_paginated_with_per_page(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    for day in (1, 2, 3):
        await given_event(
            database,
            admin.organization,
            title=f"Day {day}",
            start_datetime=f"{YEAR}-05-0{day}T07:00:00",
            end_datetime=f"{YEAR}-05-0{day}T08:00:00",
        )

    response = await client.get(EVENTS, params={"page": 2, "per_page": 2}, headers=admin.headers)

    assert response.status_code == 200
    body = response.json()
    assert [e["title"] for e in body["items"]] == ["Day 3"]
    assert body["pagination"] == {
        "page": 2,
        "limit": 2,
        "total_items": 3,
        "total_pages": 2,
        "has_next": False,
        "has_prev": True,
    }


async def test_an_unknown_status_is_422(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.get(EVENTS, params={"status": "open"}, headers=admin.headers)

    assert response.status_code == 422
    assert error_of(response)["details"] == {
        "status": "Unknown status 'open'; use one of draft, active, cancelled, completed, all"
    }


async def test_a_facilitators_events_are_upcoming_first_then_most_recent(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    org = admin.organization
    assert org is not None
    customer = await signed_in_as(client, database, Role.customer, org)
    jane = await given_facilitator(database, org, "Jane Smith")
    for title, year in (("Old", 2019), ("Recent", 2020), ("Later", YEAR + 1), ("Soon", YEAR)):
        await given_event(
            database,
            org,
            title=title,
            facilitator_id=jane,
            start_datetime=f"{year}-01-15T07:00:00",
            end_datetime=f"{year}-01-15T08:00:00",
        )
    await given_event(
        database,
        org,
        title="Planned",
        facilitator_id=jane,
        status="draft",
        start_datetime=f"{YEAR}-06-01T07:00:00",
        end_datetime=f"{YEAR}-06-01T08:00:00",
    )
    await given_event(database, org, title="Someone Else's")

    mine = await client.get(f"{FACILITATORS}/{jane}/events", headers=admin.headers)
    theirs = await client.get(f"{FACILITATORS}/{jane}/events", headers=customer.headers)
    drafts = await client.get(
        f"{FACILITATORS}/{jane}/events", params={"status": "draft"}, headers=admin.headers
    )

    assert [e["title"] for e in mine.json()["items"]] == [
        "Soon",
        "Planned",
        "Later",
        "Recent",
        "Old",
    ]
    assert [e["title"] for e in theirs.json()["items"]] == ["Soon", "Later", "Recent", "Old"]
    assert [e["title"] for e in drafts.json()["items"]] == ["Planned"]
    assert theirs.json()["pagination"]["total_items"] == 4
