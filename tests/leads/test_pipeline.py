"""Staff work leads through HTTP: the list and its filters, the pipeline rules, assignment,
notes, and who may do what."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.tenancy.models import Organization
from tests.factories import Actor, given_organization, given_user, signed_in_as
from tests.probe_router import error_of

LEADS = "/api/v1/leads"


async def submit(
    client: httpx.AsyncClient, org: Organization, name: str, phone: str, **more: Any
) -> str:
    response = await client.post(
        "/api/v1/public/leads",
        json={"name": name, "phone": phone, **more},
        headers={"X-Tenant-ID": str(org.id)},
    )
    assert response.status_code == 201, response.text
    lead_id: str = response.json()["lead_id"]
    return lead_id


async def patch(
    client: httpx.AsyncClient, actor: Actor, lead_id: str, **body: Any
) -> httpx.Response:
    return await client.patch(f"{LEADS}/{lead_id}", json=body, headers=actor.headers)


async def lead_of(client: httpx.AsyncClient, actor: Actor, lead_id: str) -> dict[str, Any]:
    body: dict[str, Any] = (await client.get(f"{LEADS}/{lead_id}", headers=actor.headers)).json()
    return body


async def test_list_filters_search_and_sorting(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    org = staff.organization
    assert org is not None
    john = await submit(client, org, "John Doe", "916-555-0123", email="john@example.com")
    jane = await submit(client, org, "Jane Smith", "916-555-0177", source="Instagram")
    await submit(client, org, "Johnny Bravo", "916-555-0199")
    assert (
        await patch(client, staff, jane, status="contacted", assigned_to=str(staff.user.id))
    ).status_code == 200
    today = utcnow().astimezone(ZoneInfo(org.timezone)).date()

    async def names(**query: Any) -> list[str]:
        response = await client.get(LEADS, params=query, headers=staff.headers)
        assert response.status_code == 200, response.text
        return [item["name"] for item in response.json()["items"]]

    assert await names(sort="name", order="asc") == ["Jane Smith", "John Doe", "Johnny Bravo"]
    assert await names(status="new", sort="name", order="asc") == ["John Doe", "Johnny Bravo"]
    assert await names(status="CONTACTED") == ["Jane Smith"]
    assert await names(source="instagram") == ["Jane Smith"]
    assert await names(assigned_to=str(staff.user.id)) == ["Jane Smith"]
    assert await names(search="john", sort="name", order="asc") == ["John Doe", "Johnny Bravo"]
    assert await names(search="JOHN@example.com") == ["John Doe"]
    assert await names(search="(916) 555-0199") == ["Johnny Bravo"]
    assert len(await names(date_from=today.isoformat(), date_to=today.isoformat())) == 3
    assert await names(date_to=(today - timedelta(days=1)).isoformat()) == []
    assert await names(date_from=(today + timedelta(days=1)).isoformat()) == []
    listed = await client.get(
        LEADS, params={"limit": 1, "sort": "name", "order": "asc"}, headers=staff.headers
    )
    item = listed.json()["items"][0]
    assert item["id"] == jane
    assert {k: item[k] for k in ("name", "phone", "email", "source", "status", "message")} == {
        "name": "Jane Smith",
        "phone": "+19165550177",
        "email": None,
        "source": "instagram",
        "status": "contacted",
        "message": "",
    }
    assert listed.json()["pagination"]["total_items"] == 3
    assert listed.json()["pagination"]["has_next"] is True
    assert john != jane
    bad = await client.get(
        LEADS, params={"date_from": "2025-10-31", "date_to": "2025-10-01"}, headers=staff.headers
    )
    assert bad.status_code == 422


async def test_the_pipeline_moves_forward_and_lost_needs_a_reason(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    assert staff.organization is not None
    lead = await submit(client, staff.organization, "John Doe", "916-555-0123")

    contacted = await patch(client, staff, lead, status="contacted")
    quoted = await patch(client, staff, lead, status="quoted")  # stages may be skipped
    backwards = await patch(client, staff, lead, status="contacted")
    no_reason = await patch(client, staff, lead, status="lost")
    stray_reason = await patch(client, staff, lead, lost_reason="Too expensive")
    lost = await patch(client, staff, lead, status="lost", lost_reason="Booked another chef")

    assert (contacted.status_code, quoted.status_code) == (200, 200)
    assert backwards.status_code == 409
    assert error_of(backwards) == {
        "error": "invalid_state",
        "message": "A lead moves forward through the pipeline: new, contacted, qualified, quoted",
        "details": {"status": "Cannot move from quoted to contacted"},
    }
    assert no_reason.status_code == 422
    assert error_of(no_reason)["details"] == {"lost_reason": "Say why the lead was lost"}
    assert stray_reason.status_code == 422
    assert error_of(stray_reason)["details"] == {"lost_reason": "Only a lost lead has a reason"}
    assert lost.status_code == 200
    assert (lost.json()["status"], lost.json()["lost_reason"]) == ("lost", "Booked another chef")

    reopened = await patch(client, staff, lead, status="qualified")
    won = await patch(client, staff, lead, status="won")
    after_won = await patch(client, staff, lead, status="lost", lost_reason="Changed mind")

    assert (reopened.json()["status"], reopened.json()["lost_reason"]) == ("qualified", None)
    assert won.json()["status"] == "won"
    assert after_won.status_code == 409
    assert error_of(after_won)["message"] == "A won lead is final"
    assert (await lead_of(client, staff, lead))["status"] == "won"


@pytest.mark.parametrize("start", ["new", "contacted", "qualified", "quoted"])
async def test_any_open_stage_may_be_lost(
    client: httpx.AsyncClient, database: Database, start: str
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    assert staff.organization is not None
    lead = await submit(client, staff.organization, "John Doe", "916-555-0123")
    if start != "new":
        assert (await patch(client, staff, lead, status=start)).status_code == 200

    lost = await patch(client, staff, lead, status="lost", lost_reason="No budget")

    assert lost.status_code == 200
    assert lost.json()["status"] == "lost"


async def test_leads_are_assigned_to_staff_members_only(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    org = staff.organization
    assert org is not None
    manager = await given_user(database, org, Role.manager)
    guest = await given_user(database, org, Role.customer)
    outsider = await given_user(database, await given_organization(database, "Other"), Role.staff)
    lead = await submit(client, org, "John Doe", "916-555-0123")

    to_manager = await patch(client, staff, lead, assigned_to=str(manager.id))
    to_guest = await patch(client, staff, lead, assigned_to=str(guest.id))
    to_outsider = await patch(client, staff, lead, assigned_to=str(outsider.id))

    assert to_manager.status_code == 200
    assert to_manager.json()["assigned_to"] == str(manager.id)
    for refused in (to_guest, to_outsider):
        assert refused.status_code == 422
        assert error_of(refused)["details"] == {
            "assigned_to": "Not a staff member of this organization"
        }
    assert (await lead_of(client, staff, lead))["assigned_to"] == str(manager.id)
    unassigned = await patch(client, staff, lead, assigned_to=None)
    assert unassigned.json()["assigned_to"] is None


async def test_notes_are_kept_on_the_lead(client: httpx.AsyncClient, database: Database) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    assert staff.organization is not None
    lead = await submit(client, staff.organization, "John Doe", "916-555-0123")

    first = await client.post(
        f"{LEADS}/{lead}/notes", json={"body": "Left a voicemail"}, headers=staff.headers
    )
    second = await client.post(
        f"{LEADS}/{lead}/notes", json={"body": "Wants a quote for 50"}, headers=staff.headers
    )
    empty = await client.post(f"{LEADS}/{lead}/notes", json={"body": ""}, headers=staff.headers)

    assert first.status_code == second.status_code == 201
    assert {k: v for k, v in first.json().items() if k not in ("id", "created_at")} == {
        "lead_id": lead,
        "author_id": str(staff.user.id),
        "body": "Left a voicemail",
    }
    assert empty.status_code == 422
    notes = (await lead_of(client, staff, lead))["notes"]
    assert [n["body"] for n in notes] == ["Left a voicemail", "Wants a quote for 50"]


async def test_leads_need_a_signed_in_caller_with_the_permission(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    viewer = await signed_in_as(client, database, Role.viewer, staff.organization)
    guest = await signed_in_as(client, database, Role.customer, staff.organization)
    assert staff.organization is not None
    lead = await submit(client, staff.organization, "John Doe", "916-555-0123")
    url = f"{LEADS}/{lead}"
    writes = {
        "patch": (url, {"status": "contacted"}),
        "note": (f"{url}/notes", {"body": "Hi"}),
        "convert": (f"{url}/convert", {"create_booking": False}),
    }

    anonymous = [
        await client.get(LEADS),
        await client.get(url),
        await client.patch(url, json={"status": "contacted"}),
        await client.post(f"{url}/notes", json={"body": "Hi"}),
        await client.post(f"{url}/convert", json={}),
    ]
    as_viewer = [
        await client.patch(url, json=writes["patch"][1], headers=viewer.headers),
        await client.post(writes["note"][0], json=writes["note"][1], headers=viewer.headers),
        await client.post(writes["convert"][0], json=writes["convert"][1], headers=viewer.headers),
    ]
    as_guest = [
        await client.get(LEADS, headers=guest.headers),
        await client.get(url, headers=guest.headers),
    ]

    assert [r.status_code for r in anonymous] == [401] * 5
    assert [r.status_code for r in as_viewer + as_guest] == [403] * 5
    assert (await client.get(url, headers=viewer.headers)).status_code == 200
    unchanged = await lead_of(client, staff, lead)
    assert (unchanged["status"], unchanged["notes"], unchanged["customer_id"]) == ("new", [], None)


async def test_another_organizations_lead_is_not_found(
    client: httpx.AsyncClient, database: Database
) -> None:
    ours = await signed_in_as(client, database, Role.admin)
    theirs = await signed_in_as(
        client, database, Role.admin, await given_organization(database, "Other Grill")
    )
    assert theirs.organization is not None
    lead = await submit(client, theirs.organization, "John Doe", "916-555-0123")
    url = f"{LEADS}/{lead}"

    answers = [
        await client.get(url, headers=ours.headers),
        await client.patch(url, json={"status": "contacted"}, headers=ours.headers),
        await client.post(f"{url}/notes", json={"body": "Hi"}, headers=ours.headers),
        await client.post(f"{url}/convert", json={}, headers=ours.headers),
    ]

    assert [a.status_code for a in answers] == [404] * 4
    assert error_of(answers[0]) == {"error": "not_found", "message": "No such lead", "details": {}}
    assert (await client.get(LEADS, headers=ours.headers)).json()["items"] == []
    unchanged = await lead_of(client, theirs, lead)
    assert (unchanged["status"], unchanged["notes"], unchanged["customer_id"]) == ("new", [], None)
    assert date.fromisoformat(unchanged["created_at"][:10])
