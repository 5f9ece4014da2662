"""Chef teams and events name the location they belong to (what analytics filter a location's
figures by), set and cleared through their APIs; another organization's location is refused and
leaves their data as it was."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from tests.events.given import EVENTS, event_form, given_event, stored_event
from tests.factories import given_organization, signed_in_as

TEAMS = "/api/v1/availability/teams"


async def test_teams_and_events_at_a_location(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    place = await client.post("/api/v1/locations", json={"name": "Downtown"}, headers=admin.headers)
    assert place.status_code == 201, place.text
    downtown = place.json()["id"]

    team = await client.post(
        TEAMS, json={"name": "Team Downtown", "location_id": downtown}, headers=admin.headers
    )
    assert team.status_code == 201, team.text
    assert team.json()["location_id"] == downtown
    moved = await client.patch(
        f"{TEAMS}/{team.json()['id']}", json={"location_id": None}, headers=admin.headers
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["location_id"] is None

    event = await client.post(EVENTS, json=event_form(location_id=downtown), headers=admin.headers)
    assert event.status_code == 201, event.text
    assert event.json()["location_id"] == downtown
    read = await client.get(f"{EVENTS}/{event.json()['id']}", headers=admin.headers)
    assert read.json()["location_id"] == downtown

    # Another organization cannot place its team or events at this location.
    other_organization = await given_organization(database, "Elsewhere")
    other = await signed_in_as(client, database, "admin", other_organization)
    theirs = await given_event(database, other_organization)
    refused = await client.patch(
        f"{EVENTS}/{theirs}", json={"location_id": downtown}, headers=other.headers
    )
    assert refused.status_code == 422
    assert refused.json()["details"] == {"location_id": "No such location"}
    stored = await stored_event(database, theirs)
    assert stored is not None
    assert stored.location_id is None
    created = await client.post(
        EVENTS, json=event_form(location_id=downtown), headers=other.headers
    )
    assert created.status_code == 422
    listed = await client.get(TEAMS, headers=other.headers)
    assert listed.json()["items"] == []
