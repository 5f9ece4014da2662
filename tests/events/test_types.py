"""Event types: the organization's list, seed 002's shape, changed by admins."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.events.given import EVENTS, event_form, forbidden, invalid
from tests.factories import signed_in_as
from tests.probe_router import error_of

SETTINGS = "/api/v1/settings/events"


async def test_the_default_types_are_session_and_retreat(
    client: httpx.AsyncClient, database: Database
) -> None:
    customer = await signed_in_as(client, database, Role.customer)

    response = await client.get(f"{EVENTS}/types", headers=customer.headers)

    assert response.status_code == 200
    assert response.json() == {
        "event_types": [
            {"key": "session", "value": 1, "label": "Session"},
            {"key": "retreat", "value": 2, "label": "Retreat"},
        ]
    }


async def test_an_admin_replaces_the_types_and_new_events_follow_them(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    changed = await client.patch(
        SETTINGS,
        json={"event_types": [{"key": "Workshop", "label": " Hands-on  workshop "}]},
        headers=admin.headers,
    )
    workshop = await client.post(
        EVENTS, json=event_form(event_type="workshop"), headers=admin.headers
    )
    session = await client.post(
        EVENTS, json=event_form(event_type="session"), headers=admin.headers
    )

    assert changed.status_code == 200, changed.text
    assert changed.json() == {"event_types": [{"key": "workshop", "label": "Hands-on workshop"}]}
    assert (await client.get(SETTINGS, headers=admin.headers)).json() == changed.json()
    assert (await client.get(f"{EVENTS}/types", headers=admin.headers)).json() == {
        "event_types": [{"key": "workshop", "value": 1, "label": "Hands-on workshop"}]
    }
    assert workshop.status_code == 201
    assert session.status_code == 422
    assert error_of(session) == invalid(
        {"event_type": "Unknown event type 'session'; use one of workshop"}
    )


async def test_invalid_types_are_422_and_nothing_changes(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    duplicate = await client.patch(
        SETTINGS,
        json={"event_types": [{"key": "a", "label": "A"}, {"key": "A", "label": "Also A"}]},
        headers=admin.headers,
    )
    empty = await client.patch(SETTINGS, json={"event_types": []}, headers=admin.headers)
    bad_key = await client.patch(
        SETTINGS, json={"event_types": [{"key": "sound bath", "label": "x"}]}, headers=admin.headers
    )

    assert (duplicate.status_code, empty.status_code, bad_key.status_code) == (422, 422, 422)
    assert error_of(duplicate)["details"] == {"event_types": "event type keys must be unique"}
    assert "event_types.0.key" in error_of(bad_key)["details"]
    listed = await client.get(f"{EVENTS}/types", headers=admin.headers)
    assert [t["key"] for t in listed.json()["event_types"]] == ["session", "retreat"]


async def test_only_settings_writers_change_the_types(
    client: httpx.AsyncClient, database: Database
) -> None:
    manager = await signed_in_as(client, database, Role.manager)

    response = await client.patch(
        SETTINGS, json={"event_types": [{"key": "x", "label": "X"}]}, headers=manager.headers
    )

    assert response.status_code == 403
    assert error_of(response) == forbidden("settings:write")
