"""/settings/availability through HTTP: the calendar the capacity is offered in."""

from __future__ import annotations

from typing import Any

import httpx

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import Actor, given_organization, signed_in_as
from tests.probe_router import error_of

SETTINGS = "/api/v1/settings/availability"
DEFAULTS = {
    "slot_times": ["17:00", "18:00", "19:00"],
    "event_duration_minutes": 120,
    "buffer_minutes": 60,
    "closed_weekdays": [1],
    "blackout_dates": [],
    "min_notice_hours": 24,
    "horizon_days": 365,
    "hold_hours": 72,
    "max_guests_per_team": None,
    "service_area": [],
    "outside_area_requests": "refuse",
    "waitlist_offer_hours": 24,
}


async def settings_of(client: httpx.AsyncClient, actor: Actor) -> dict[str, Any]:
    response = await client.get(SETTINGS, headers=actor.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_defaults_are_seed_001s_calendar(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    assert await settings_of(client, admin) == DEFAULTS


async def test_a_patch_merges_what_was_sent_and_is_audited(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    first = await client.patch(
        SETTINGS,
        json={"slot_times": ["19:30", "17:30", "17:30"], "buffer_minutes": 30},
        headers=admin.headers,
    )
    second = await client.patch(
        SETTINGS,
        json={"service_area": ["Sacramento", "95630"], "blackout_dates": ["2030-07-04"]},
        headers=admin.headers,
    )
    audit = await client.get(
        "/api/v1/audit-logs",
        params={"action": "settings.availability_updated"},
        headers=admin.headers,
    )

    assert first.status_code == 200
    assert first.json() == DEFAULTS | {"slot_times": ["17:30", "19:30"], "buffer_minutes": 30}
    expected = DEFAULTS | {
        "slot_times": ["17:30", "19:30"],
        "buffer_minutes": 30,
        "service_area": ["Sacramento", "95630"],
        "blackout_dates": ["2030-07-04"],
    }
    assert second.json() == expected
    assert await settings_of(client, admin) == expected
    assert [row["action"] for row in audit.json()["items"]] == [
        "settings.availability_updated",
        "settings.availability_updated",
    ]


async def test_bad_settings_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    bad_time = await client.patch(
        SETTINGS,
        json={"slot_times": ["17:00", "25:00"], "buffer_minutes": 0},
        headers=admin.headers,
    )
    bad_weekday = await client.patch(SETTINGS, json={"closed_weekdays": [0]}, headers=admin.headers)
    no_slots = await client.patch(SETTINGS, json={"slot_times": []}, headers=admin.headers)
    unknown = await client.patch(SETTINGS, json={"slots": ["17:00"]}, headers=admin.headers)
    too_long = await client.patch(
        SETTINGS, json={"event_duration_minutes": 5000}, headers=admin.headers
    )

    assert error_of(bad_time) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": {"slot_times": "'25:00' is not a time of day as HH:MM"},
    }
    assert error_of(bad_weekday)["details"] == {
        "closed_weekdays": "weekdays are 1 (Monday) to 7 (Sunday)"
    }
    assert list(no_slots.json()["details"]) == ["slot_times"]
    assert error_of(unknown)["details"] == {"slots": "Unknown field"}
    assert error_of(too_long)["details"] == {
        "event_duration_minutes": "Input should be less than or equal to 1440"
    }
    assert {r.status_code for r in (bad_time, bad_weekday, no_slots, unknown, too_long)} == {422}
    assert await settings_of(client, admin) == DEFAULTS


async def test_only_settings_permissions_read_and_write(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    organization = admin.organization
    manager = await signed_in_as(client, database, Role.manager, organization)
    staff = await signed_in_as(client, database, Role.staff, organization)

    signed_out = [await client.get(SETTINGS), await client.patch(SETTINGS, json={"hold_hours": 1})]
    manager_reads = await client.get(SETTINGS, headers=manager.headers)
    denied = [
        await client.patch(SETTINGS, json={"hold_hours": 1}, headers=manager.headers),
        await client.get(SETTINGS, headers=staff.headers),
        await client.patch(SETTINGS, json={"hold_hours": 1}, headers=staff.headers),
    ]

    assert [r.status_code for r in signed_out] == [401, 401]
    assert manager_reads.status_code == 200
    assert [r.status_code for r in denied] == [403, 403, 403]
    assert error_of(denied[0])["message"] == "Requires permission settings:write"
    assert await settings_of(client, admin) == DEFAULTS


async def test_another_organization_cannot_be_named(
    client: httpx.AsyncClient, database: Database
) -> None:
    ours = await signed_in_as(client, database, Role.admin)
    other = await given_organization(database, "Other Grill")
    theirs = await signed_in_as(client, database, Role.admin, other)

    read = await client.get(SETTINGS, headers=ours.headers | {"X-Tenant-ID": str(other.id)})
    write = await client.patch(
        SETTINGS, json={"hold_hours": 1}, headers=ours.headers | {"X-Tenant-ID": str(other.id)}
    )

    assert read.status_code == write.status_code == 404
    assert await settings_of(client, theirs) == DEFAULTS
