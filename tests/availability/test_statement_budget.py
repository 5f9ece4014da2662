"""GET /availability and GET /public/availability within their statement budgets (a hot path,
ARCHITECTURE.md): the caller (or the named organization) in one read, every active team with
its claims in one more, and one more for the fortnight of alternatives when the date asked is
not available. The organization's settings are read once per stored version and process."""

from __future__ import annotations

from datetime import timedelta

import httpx

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.availability.given import given_team, next_weekday
from tests.availability.test_availability import AVAILABILITY, EVENING, given_staff, taken
from tests.factories import given_organization, signed_in_as
from tests.statements import counting_statements

# The party needs two teams (one serves ten guests): with one of the two taken, the date is full.
SETTINGS = {"availability": {"max_guests_per_team": 10, "min_notice_hours": 0}}
ONE_DAY = timedelta(days=1)


async def test_one_free_date_costs_two_statements(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff, organization = await given_staff(client, database, SETTINGS)
    for name in ("Team Fuji", "Team Sakura"):
        await given_team(database, organization, name)
    day = next_weekday(6)
    await taken(database, organization, day + ONE_DAY, "18:00")
    asked = {"date": str(day), "guest_count": 20}

    with counting_statements(database) as first:
        first_answer = await client.get(AVAILABILITY, params=asked, headers=staff.headers)
    with counting_statements(database) as later:
        later_answer = await client.get(AVAILABILITY, params=asked, headers=staff.headers)

    assert first_answer.status_code == later_answer.status_code == 200
    assert later_answer.json() == first_answer.json()
    assert later_answer.json()["available_slots"] == EVENING
    assert len(first) <= 3, first  # + the organization's settings, once per version
    assert len(later) == 2, later


async def test_a_full_date_reads_the_fortnight_in_one_more_statement(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff, organization = await given_staff(client, database, SETTINGS)
    for name in ("Team Fuji", "Team Sakura"):
        await given_team(database, organization, name)
    day = next_weekday(6)
    await taken(database, organization, day, "18:00")
    asked = {"date": str(day), "guest_count": 20}
    await client.get(AVAILABILITY, params=asked, headers=staff.headers)

    with counting_statements(database) as seen:
        answer = await client.get(AVAILABILITY, params=asked, headers=staff.headers)

    assert answer.status_code == 200
    assert answer.json()["available"] is False
    alternatives = answer.json()["alternative_dates"]
    assert len(alternatives) == 3
    assert alternatives[0] == {"date": str(day + ONE_DAY), "available_slots": EVENING}
    assert len(seen) == 3, seen


async def test_the_public_answer_costs_two_statements(
    client: httpx.AsyncClient, database: Database
) -> None:
    _staff, organization = await given_staff(client, database, SETTINGS)
    await given_team(database, organization, "Team Fuji")
    day = next_weekday(6)
    asked = {"date": str(day), "org": organization.slug}
    await client.get("/api/v1/public/availability", params=asked)

    with counting_statements(database) as seen:
        answer = await client.get("/api/v1/public/availability", params=asked)

    assert answer.status_code == 200
    assert answer.json()["available_slots"] == EVENING
    assert len(seen) == 2, seen


async def test_a_settings_change_is_seen_at_the_next_answer(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database, settings=SETTINGS)
    admin = await signed_in_as(client, database, Role.admin, organization)
    await given_team(database, organization, "Team Fuji")
    asked = {"date": str(next_weekday(6))}
    before = await client.get(AVAILABILITY, params=asked, headers=admin.headers)

    changed = await client.patch(
        "/api/v1/settings/availability", json={"slot_times": ["12:00"]}, headers=admin.headers
    )
    after = await client.get(AVAILABILITY, params=asked, headers=admin.headers)
    public = await client.get(
        "/api/v1/public/availability", params={**asked, "org": organization.slug}
    )

    assert changed.status_code == 200
    assert before.json()["available_slots"] == EVENING
    assert after.json()["available_slots"] == ["12:00"]
    assert public.json()["available_slots"] == ["12:00"]
