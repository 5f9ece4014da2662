"""/availability/teams through HTTP: the chef teams that make up the capacity."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import httpx

from maitred.availability import service as availability_service
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.availability.given import given_booking, given_team, next_weekday, window_of
from tests.factories import Actor, given_organization, signed_in_as
from tests.probe_router import error_of

TEAMS = "/api/v1/availability/teams"
NOT_FOUND = {"error": "not_found", "message": "No such chef team", "details": {}}


async def teams_of(client: httpx.AsyncClient, actor: Actor) -> list[dict[str, Any]]:
    response = await client.get(TEAMS, headers=actor.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_a_team_is_created_read_changed_and_deleted(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    created = await client.post(
        TEAMS,
        json={
            "name": "  Team Folsom ",
            "working_weekdays": [6, 2, 7, 6],
            "time_off": [{"date_from": "2030-12-24", "date_to": "2030-12-26", "reason": "Xmas"}],
        },
        headers=admin.headers,
    )
    team = created.json()
    changed = await client.patch(
        f"{TEAMS}/{team['id']}",
        json={"name": "Team Roseville", "time_off": [], "is_active": False},
        headers=admin.headers,
    )
    fetched = await client.get(f"{TEAMS}/{team['id']}", headers=admin.headers)
    listed = await client.get(TEAMS, headers=admin.headers)
    deleted = await client.delete(f"{TEAMS}/{team['id']}", headers=admin.headers)
    gone = await client.get(f"{TEAMS}/{team['id']}", headers=admin.headers)

    assert created.status_code == 201
    assert team["name"] == "Team Folsom"
    assert team["working_weekdays"] == [2, 6, 7]
    assert team["time_off"] == [
        {"date_from": "2030-12-24", "date_to": "2030-12-26", "reason": "Xmas"}
    ]
    assert team["is_active"] is True
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["time_off"]) == ("Team Roseville", [])
    assert changed.json()["is_active"] is False
    assert changed.json()["working_weekdays"] == [2, 6, 7]
    assert fetched.json() == changed.json()
    assert listed.json()["items"] == [changed.json()]
    assert listed.json()["pagination"]["total_items"] == 1
    assert deleted.status_code == 204
    assert gone.status_code == 404
    assert error_of(gone) == NOT_FOUND


async def test_teams_are_listed_by_name_and_filtered(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    await given_team(database, admin.organization, "Charlie")
    await given_team(database, admin.organization, "alpha")
    await given_team(database, admin.organization, "Bravo", is_active=False)

    everyone = await client.get(TEAMS, headers=admin.headers)
    active = await client.get(TEAMS, params={"is_active": "true"}, headers=admin.headers)

    assert [t["name"] for t in everyone.json()["items"]] == ["alpha", "Bravo", "Charlie"]
    assert [t["name"] for t in active.json()["items"]] == ["alpha", "Charlie"]


async def test_bad_teams_are_refused(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    await given_team(database, admin.organization, "Team A")

    weekday = await client.post(
        TEAMS, json={"name": "X", "working_weekdays": [0, 8]}, headers=admin.headers
    )
    backwards = await client.post(
        TEAMS,
        json={"name": "X", "time_off": [{"date_from": "2030-01-02", "date_to": "2030-01-01"}]},
        headers=admin.headers,
    )
    blank = await client.post(TEAMS, json={"name": "   "}, headers=admin.headers)
    unknown = await client.post(TEAMS, json={"name": "X", "chef": "Kai"}, headers=admin.headers)
    taken = await client.post(TEAMS, json={"name": "team a"}, headers=admin.headers)

    assert weekday.status_code == 422
    assert error_of(weekday)["details"] == {
        "working_weekdays.0": "Input should be greater than or equal to 1",
        "working_weekdays.1": "Input should be less than or equal to 7",
    }
    assert backwards.status_code == 422
    assert error_of(backwards)["details"] == {"time_off.0": "date_from must not be after date_to"}
    assert blank.status_code == 422
    assert list(blank.json()["details"]) == ["name"]
    assert error_of(unknown)["details"] == {"chef": "Unknown field"}
    assert taken.status_code == 409
    assert error_of(taken) == {
        "error": "already_exists",
        "message": "A chef team has this name",
        "details": {"name": "Already taken"},
    }
    assert [t["name"] for t in await teams_of(client, admin)] == ["Team A"]


async def test_a_team_with_upcoming_bookings_is_kept(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    organization = admin.organization
    assert organization is not None
    team = await given_team(database, organization, "Team A")
    day = next_weekday(3)
    booking = await given_booking(database, organization, day)
    window = await window_of(database, organization, day, "18:00")
    async with database.transaction() as session:
        await availability_service.claim(
            session,
            organization_id=organization.id,
            booking_id=booking,
            window=window,
            guest_count=8,
            hold_until=utcnow() + timedelta(hours=72),
        )

    refused = await client.delete(f"{TEAMS}/{team}", headers=admin.headers)
    day_off = await client.patch(
        f"{TEAMS}/{team}",
        json={"time_off": [{"date_from": day.isoformat(), "date_to": day.isoformat()}]},
        headers=admin.headers,
    )
    not_that_weekday = await client.patch(
        f"{TEAMS}/{team}", json={"working_weekdays": [1, 2]}, headers=admin.headers
    )
    deactivated = await client.patch(
        f"{TEAMS}/{team}", json={"is_active": False}, headers=admin.headers
    )
    async with database.transaction() as session:
        await availability_service.release(
            session, organization_id=organization.id, booking_id=booking
        )
    deleted = await client.delete(f"{TEAMS}/{team}", headers=admin.headers)

    assert refused.status_code == 409
    assert error_of(refused) == {
        "error": "invalid_state",
        "message": "This chef team has upcoming bookings; deactivate it instead",
        "details": {"is_active": "Set to false to stop offering the team"},
    }
    assert day_off.status_code == not_that_weekday.status_code == 409
    assert error_of(day_off) == {
        "error": "invalid_state",
        "message": "The team is booked on days it would not work",
        "details": {"dates": day.isoformat()},
    }
    assert deactivated.status_code == 200
    assert deleted.status_code == 204
    assert await teams_of(client, admin) == []


async def test_signed_out_callers_get_401_and_change_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    team = await given_team(database, admin.organization, "Team A")
    before = await teams_of(client, admin)

    responses = [
        await client.get(TEAMS),
        await client.post(TEAMS, json={"name": "Team B"}),
        await client.get(f"{TEAMS}/{team}"),
        await client.patch(f"{TEAMS}/{team}", json={"name": "Renamed"}),
        await client.delete(f"{TEAMS}/{team}"),
    ]

    assert [r.status_code for r in responses] == [401] * 5
    assert await teams_of(client, admin) == before


async def test_roles_without_the_permission_get_403_and_change_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    organization = admin.organization
    assert organization is not None
    team = await given_team(database, organization, "Team A")
    viewer = await signed_in_as(client, database, Role.viewer, organization)
    facilitator = await signed_in_as(client, database, Role.facilitator, organization)
    before = await teams_of(client, admin)

    viewer_reads = await client.get(f"{TEAMS}/{team}", headers=viewer.headers)
    writes = [
        await client.post(TEAMS, json={"name": "Team B"}, headers=viewer.headers),
        await client.patch(f"{TEAMS}/{team}", json={"name": "X"}, headers=viewer.headers),
        await client.delete(f"{TEAMS}/{team}", headers=viewer.headers),
        await client.get(TEAMS, headers=facilitator.headers),
        await client.get(f"{TEAMS}/{team}", headers=facilitator.headers),
    ]

    assert viewer_reads.status_code == 200
    assert [r.status_code for r in writes] == [403] * 5
    assert error_of(writes[0]) == {
        "error": "forbidden",
        "message": "Requires permission availability:write",
        "details": {},
    }
    assert await teams_of(client, admin) == before


async def test_another_organizations_team_is_not_found(
    client: httpx.AsyncClient, database: Database
) -> None:
    ours = await signed_in_as(client, database, Role.admin)
    theirs = await signed_in_as(
        client, database, Role.admin, await given_organization(database, "Other Grill")
    )
    assert theirs.organization is not None
    team = await given_team(database, theirs.organization, "Their Team")
    before = await teams_of(client, theirs)

    responses = [
        await client.get(f"{TEAMS}/{team}", headers=ours.headers),
        await client.patch(f"{TEAMS}/{team}", json={"name": "Mine"}, headers=ours.headers),
        await client.delete(f"{TEAMS}/{team}", headers=ours.headers),
    ]

    assert [error_of(r) for r in responses] == [NOT_FOUND] * 3
    assert await teams_of(client, ours) == []
    assert await teams_of(client, theirs) == before
    assert str(uuid.UUID(before[0]["id"])) == str(team)
