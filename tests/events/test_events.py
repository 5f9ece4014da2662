"""Events through HTTP: created, read in seed 002's shape, changed, deleted, one organization's."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.events.given import (
    EVENTS,
    YEAR,
    count_events,
    event_form,
    forbidden,
    given_event,
    given_facilitator,
    invalid,
    not_found,
    stored_event,
    take_seats,
)
from tests.factories import given_organization, signed_in_as
from tests.probe_router import error_of

NO_EVENT = not_found("No such event")
PER_REQUEST = ("id", "created_at", "updated_at")


def without_ids(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in PER_REQUEST}


async def test_an_admin_creates_an_event_at_local_time(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    facilitator_id = await given_facilitator(
        database, admin.organization, "Jane Smith", bio="Certified meditation instructor"
    )

    response = await client.post(
        EVENTS,
        json=event_form(event_type="SESSION", facilitator_id=str(facilitator_id)),
        headers=admin.headers,
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert without_ids(body) == {
        "title": "Morning Yoga",
        "description": "Start your day with mindfulness",
        "event_type": "session",
        "facilitator": {
            "id": str(facilitator_id),
            "name": "Jane Smith",
            "bio": "Certified meditation instructor",
        },
        "start_datetime": f"{YEAR}-01-15T07:00:00-08:00",
        "end_datetime": f"{YEAR}-01-15T08:00:00-08:00",
        "timezone": "America/Los_Angeles",
        "location": "Wellness Center",
        "location_id": None,
        "virtual_link": None,
        "max_participants": 20,
        "current_participants": 0,
        "available_spots": 20,
        "price": 25.0,
        "currency": "USD",
        "status": "active",
        "requirements": "Bring your own mat",
        "is_full": False,
        "series_id": None,
        "cancelled_at": None,
        "cancellation_reason": None,
    }
    assert (await client.get(f"{EVENTS}/{body['id']}", headers=admin.headers)).json() == body
    event = await stored_event(database, uuid.UUID(body["id"]))
    assert event is not None
    assert event.starts_at.isoformat() == f"{YEAR}-01-15T15:00:00+00:00"


async def test_an_offset_time_is_kept_as_the_instant_and_shown_in_the_events_zone(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.post(
        EVENTS,
        json=event_form(
            start_datetime=f"{YEAR}-07-01T17:00:00Z",
            end_datetime=f"{YEAR}-07-01T21:00:00+02:00",
            timezone="Europe/Paris",
        ),
        headers=admin.headers,
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["start_datetime"], body["end_datetime"], body["timezone"]) == (
        f"{YEAR}-07-01T19:00:00+02:00",
        f"{YEAR}-07-01T21:00:00+02:00",
        "Europe/Paris",
    )


@pytest.mark.parametrize(
    ("fields", "details"),
    [
        (
            {"event_type": "workshop"},
            {"event_type": "Unknown event type 'workshop'; use one of session, retreat"},
        ),
        (
            {"max_participants": 0},
            {"max_participants": "Input should be greater than or equal to 1"},
        ),
        (
            {"end_datetime": f"{YEAR}-01-15T06:00:00"},
            {"end_datetime": "Must be after start_datetime"},
        ),
        (
            {"timezone": "Mars/Olympus"},
            {"timezone": "Unknown timezone 'Mars/Olympus'; use an IANA name such as Europe/Paris"},
        ),
        ({"facilitator_id": str(uuid.UUID(int=7))}, {"facilitator_id": "No such facilitator"}),
        ({"price": -1}, {"price": "Input should be greater than or equal to 0"}),
        (
            {"status": "cancelled"},
            {
                "status": "Value error, A new event is 'draft' or 'active'".removeprefix(
                    "Value error, "
                )
            },
        ),
        ({"virtual_link": "zoom me"}, {"virtual_link": "Must be an http(s) URL"}),
        ({"colour": "red"}, {"colour": "Unknown field"}),
        ({"title": ""}, {"title": "String should have at least 1 character"}),
    ],
)
async def test_an_invalid_event_is_422_and_nothing_is_stored(
    client: httpx.AsyncClient, database: Database, fields: dict[str, Any], details: dict[str, str]
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None

    response = await client.post(EVENTS, json=event_form(**fields), headers=admin.headers)

    assert response.status_code == 422
    assert error_of(response) == invalid(details)
    assert await count_events(database, admin.organization) == 0


async def test_an_inactive_facilitator_cannot_lead_a_new_event(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    retired = await given_facilitator(database, admin.organization, "Old Timer", is_active=False)

    response = await client.post(
        EVENTS, json=event_form(facilitator_id=str(retired)), headers=admin.headers
    )

    assert response.status_code == 422
    assert error_of(response) == invalid({"facilitator_id": "This facilitator is inactive"})


async def test_another_organizations_facilitator_is_unknown(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    other = await given_organization(database, "Other Studio")
    theirs = await given_facilitator(database, other, "Their Teacher")

    response = await client.post(
        EVENTS, json=event_form(facilitator_id=str(theirs)), headers=admin.headers
    )

    assert response.status_code == 422
    assert error_of(response) == invalid({"facilitator_id": "No such facilitator"})


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
async def test_an_event_changes_only_in_the_fields_sent(
    client: httpx.AsyncClient, database: Database, method: str
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    event_id = await given_event(database, admin.organization)
    await take_seats(database, admin.organization, event_id, 3)

    response = await client.request(
        method,
        f"{EVENTS}/{event_id}",
        json={
            "title": "Evening Yoga",
            "start_datetime": f"{YEAR}-01-15T18:00:00",
            "end_datetime": f"{YEAR}-01-15T19:30:00",
            "max_participants": 3,
        },
        headers=admin.headers,
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["title"], body["start_datetime"], body["end_datetime"]) == (
        "Evening Yoga",
        f"{YEAR}-01-15T18:00:00-08:00",
        f"{YEAR}-01-15T19:30:00-08:00",
    )
    assert (body["max_participants"], body["current_participants"], body["available_spots"]) == (
        3,
        3,
        0,
    )
    assert body["is_full"] is True
    assert body["description"] == "Start your day with mindfulness"


async def test_capacity_below_the_seats_taken_is_422_and_changes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    event_id = await given_event(database, admin.organization)
    await take_seats(database, admin.organization, event_id, 3)

    response = await client.patch(
        f"{EVENTS}/{event_id}",
        json={"title": "Renamed", "max_participants": 2},
        headers=admin.headers,
    )

    assert response.status_code == 422
    assert error_of(response) == invalid({"max_participants": "3 seats are taken already"})
    event = await stored_event(database, event_id)
    assert event is not None
    assert (event.title, event.max_participants) == ("Morning Yoga", 20)


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"title": None}, {"title": "May not be null"}),
        ({"status": "cancelled"}, {"status": "Cancel through POST /events/{id}/cancel"}),
        (
            {"end_datetime": f"{YEAR}-01-15T06:00:00"},
            {"end_datetime": "Must be after start_datetime"},
        ),
        (
            {"event_type": "gala"},
            {"event_type": "Unknown event type 'gala'; use one of session, retreat"},
        ),
    ],
)
async def test_an_invalid_change_is_422(
    client: httpx.AsyncClient, database: Database, body: dict[str, Any], details: dict[str, str]
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    event_id = await given_event(database, admin.organization)

    response = await client.patch(f"{EVENTS}/{event_id}", json=body, headers=admin.headers)

    assert response.status_code == 422
    assert error_of(response) == invalid(details)
    event = await stored_event(database, event_id)
    assert event is not None
    assert (event.title, event.status, event.event_type) == ("Morning Yoga", "active", "session")


async def test_an_event_without_seats_taken_is_deleted(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    event_id = await given_event(database, admin.organization)

    response = await client.delete(f"{EVENTS}/{event_id}", headers=admin.headers)

    assert response.status_code == 204
    assert await stored_event(database, event_id) is None
    again = await client.get(f"{EVENTS}/{event_id}", headers=admin.headers)
    assert again.status_code == 404


async def test_an_event_with_seats_taken_is_not_deleted(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    event_id = await given_event(database, admin.organization)
    await take_seats(database, admin.organization, event_id, 1)

    response = await client.delete(f"{EVENTS}/{event_id}", headers=admin.headers)

    assert response.status_code == 409
    assert error_of(response) == {
        "error": "invalid_state",
        "message": "Seats on this event are taken; cancel it instead (POST /events/{id}/cancel)",
        "details": {"seats_taken": 1},
    }
    assert await stored_event(database, event_id) is not None


async def test_an_event_whose_seats_were_all_cancelled_is_kept_for_the_book(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    event_id = await given_event(database, admin.organization)
    customer = await signed_in_as(client, database, Role.customer, admin.organization)
    booked = await client.post(
        "/api/v1/bookings", json={"event_id": str(event_id)}, headers=customer.headers
    )
    cancelled = await client.put(
        f"/api/v1/bookings/{booked.json()['id']}/cancel", json={}, headers=customer.headers
    )

    response = await client.delete(f"{EVENTS}/{event_id}", headers=admin.headers)

    assert (booked.status_code, cancelled.status_code) == (201, 200)
    assert response.status_code == 409
    assert error_of(response)["error"] == "invalid_state"
    assert "cancel it instead" in error_of(response)["message"]
    assert await stored_event(database, event_id) is not None


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("PATCH", "", {"title": "Mine now"}),
        ("DELETE", "", None),
        ("POST", "/cancel", {}),
    ],
)
async def test_another_organizations_event_is_404(
    client: httpx.AsyncClient,
    database: Database,
    method: str,
    suffix: str,
    body: dict[str, Any] | None,
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    other = await given_organization(database, "Other Studio")
    theirs = await given_event(database, other)

    response = await client.request(
        method, f"{EVENTS}/{theirs}{suffix}", json=body, headers=admin.headers
    )

    assert response.status_code == 404
    assert error_of(response) == NO_EVENT
    event = await stored_event(database, theirs)
    assert event is not None
    assert (event.title, event.status) == ("Morning Yoga", "active")


async def test_a_customer_reads_events_but_cannot_create_them(
    client: httpx.AsyncClient, database: Database
) -> None:
    customer = await signed_in_as(client, database, Role.customer)
    assert customer.organization is not None
    event_id = await given_event(database, customer.organization)

    read = await client.get(f"{EVENTS}/{event_id}", headers=customer.headers)
    created = await client.post(EVENTS, json=event_form(), headers=customer.headers)
    changed = await client.patch(
        f"{EVENTS}/{event_id}", json={"title": "Free"}, headers=customer.headers
    )

    assert read.status_code == 200
    assert (created.status_code, changed.status_code) == (403, 403)
    assert error_of(created) == forbidden("events:write")
    assert await count_events(database, customer.organization) == 1


@pytest.mark.parametrize(
    ("role", "status"), [(Role.manager, 201), (Role.staff, 403), (Role.facilitator, 403)]
)
async def test_who_may_create_events(
    client: httpx.AsyncClient, database: Database, role: Role, status: int
) -> None:
    actor = await signed_in_as(client, database, role)

    response = await client.post(EVENTS, json=event_form(), headers=actor.headers)

    assert response.status_code == status


async def test_events_need_a_signed_in_caller(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    event_id = await given_event(database, organization)

    listed = await client.get(EVENTS)
    read = await client.get(f"{EVENTS}/{event_id}")

    assert (listed.status_code, read.status_code) == (401, 401)


async def test_a_draft_is_seen_by_staff_only(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    customer = await signed_in_as(client, database, Role.customer, admin.organization)
    draft = await given_event(database, admin.organization, title="Secret Retreat", status="draft")
    await given_event(database, admin.organization, title="Open Class")

    customer_read = await client.get(f"{EVENTS}/{draft}", headers=customer.headers)
    admin_read = await client.get(f"{EVENTS}/{draft}", headers=admin.headers)
    customer_all = await client.get(EVENTS, params={"status": "all"}, headers=customer.headers)
    customer_drafts = await client.get(EVENTS, params={"status": "draft"}, headers=customer.headers)
    admin_drafts = await client.get(EVENTS, params={"status": "draft"}, headers=admin.headers)

    assert customer_read.status_code == 404
    assert error_of(customer_read) == NO_EVENT
    assert admin_read.json()["status"] == "draft"
    assert [e["title"] for e in customer_all.json()["items"]] == ["Open Class"]
    assert customer_drafts.json()["items"] == []
    assert [e["title"] for e in admin_drafts.json()["items"]] == ["Secret Retreat"]
