"""GET /facilitators/{id}/bookings and /dashboard: statistics counted right, each facilitator
seeing only their own, staff seeing any of their organization."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from maitred.kit.db import Database
from tests.bookings.given import given_book
from tests.crm.given import (
    RECORDS,
    EventInfo,
    facilitator_signed_in,
    given_event,
    maitred_booking,
    notification,
    notify,
    received_days_ago,
)
from tests.factories import Actor, signed_in_as

BOB = ("Bob Stone", "bob@example.com", "+19165550102")


@dataclass
class Studio:
    admin: Actor
    a: uuid.UUID
    a_actor: Actor
    b: uuid.UUID
    b_actor: Actor
    meditation: uuid.UUID
    mountain: uuid.UUID
    jane_meditation: str
    jane_mountain: str
    bob_flow: str


async def given_studio(client: httpx.AsyncClient, database: Database) -> Studio:
    """Facilitator A: Jane's bookings of a session and a retreat, and two outside bookings (user
    7 of A's session, user 8 of an outside retreat received ten days ago). Facilitator B: Bob's
    booking of a session. An outside facilitator "77": one outside booking."""
    book = await given_book(database, teams=3)
    org = book.organization
    admin = await signed_in_as(client, database, "admin", org)
    a, a_actor = await facilitator_signed_in(client, database, org, "Ann Facilitator")
    b, b_actor = await facilitator_signed_in(client, database, org, "Ben Facilitator")
    meditation = EventInfo(
        await given_event(database, org, a, "Morning Meditation"),
        "Morning Meditation",
        "session",
        a,
    )
    mountain = EventInfo(
        await given_event(database, org, a, "Mountain Retreat", "retreat"),
        "Mountain Retreat",
        "retreat",
        a,
    )
    flow = EventInfo(
        await given_event(database, org, b, "Evening Flow"), "Evening Flow", "session", b
    )
    jane_meditation, _ = await maitred_booking(client, database, book, event=meditation)
    jane_mountain, _ = await maitred_booking(client, database, book, event=mountain)
    bob_flow, _ = await maitred_booking(client, database, book, customer=BOB, event=flow)
    seven = notification("X-1", facilitator_id=str(a))
    seven["user"]["id"] = 7
    seven["event"] = {"id": str(meditation.id), "title": "Morning Meditation", "type": "session"}
    await notify(client, admin.headers, seven)
    eight = notification("X-2", facilitator_id=str(a))
    eight["user"]["id"] = 8
    eight["event"] = {"id": "ext-9", "title": "Desert Retreat", "type": "RETREAT"}
    old = await notify(client, admin.headers, eight)
    await received_days_ago(database, old, 10)
    await notify(client, admin.headers, notification("X-3", facilitator_id=77))
    return Studio(
        admin,
        a,
        a_actor,
        b,
        b_actor,
        meditation.id,
        mountain.id,
        str(jane_meditation),
        str(jane_mountain),
        str(bob_flow),
    )


async def get(client: httpx.AsyncClient, actor: Actor, url: str, **query: Any) -> httpx.Response:
    return await client.get(url, params=query, headers=actor.headers)


A_STATISTICS = {
    "total_bookings": 4,
    "session_bookings": 2,
    "retreat_bookings": 2,
    "recent_bookings": 3,
    "unique_users": 3,
    "unique_events": 3,
}


async def test_bookings_with_statistics_and_filters(
    client: httpx.AsyncClient, database: Database
) -> None:
    studio = await given_studio(client, database)
    url = f"/api/v1/facilitators/{studio.a}/bookings"
    moved = await client.put(
        "/api/v1/bookings/X-1/status", json={"crm_status": "reviewed"}, headers=studio.admin.headers
    )
    assert moved.status_code == 200

    everything = (await get(client, studio.admin, url)).json()
    retreats = (await get(client, studio.admin, url, event_type="Retreat")).json()
    reviewed = (await get(client, studio.admin, url, crm_status="reviewed")).json()
    received = (await get(client, studio.admin, url, status="received", limit=1)).json()

    assert everything["facilitator_id"] == str(studio.a)
    assert [i["booking_id"] for i in everything["items"]] == [
        "X-1",
        studio.jane_mountain,
        studio.jane_meditation,
        "X-2",
    ]
    assert everything["statistics"] == A_STATISTICS
    assert everything["pagination"]["total_items"] == 4
    assert [i["booking_id"] for i in retreats["items"]] == [studio.jane_mountain, "X-2"]
    assert retreats["statistics"] == A_STATISTICS
    assert [i["booking_id"] for i in reviewed["items"]] == ["X-1"]
    assert [i["booking_id"] for i in received["items"]] == ["X-1"]
    assert received["pagination"]["total_items"] == 2
    assert received["pagination"]["has_next"] is True


async def test_dashboard_counts_ranks_and_lists_recent(
    client: httpx.AsyncClient, database: Database
) -> None:
    studio = await given_studio(client, database)

    response = await get(client, studio.a_actor, f"/api/v1/facilitators/{studio.a}/dashboard")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["facilitator_id"] == str(studio.a)
    assert body["summary"] == {
        "total_bookings": 4,
        "session_bookings": 2,
        "retreat_bookings": 2,
        "recent_bookings_count": 3,
        "unique_events": 3,
        "unique_users": 3,
    }
    assert body["popular_events"] == [
        {
            "event_id": str(studio.meditation),
            "event_title": "Morning Meditation",
            "event_type": "session",
            "booking_count": 2,
        },
        {
            "event_id": "ext-9",
            "event_title": "Desert Retreat",
            "event_type": "retreat",
            "booking_count": 1,
        },
        {
            "event_id": str(studio.mountain),
            "event_title": "Mountain Retreat",
            "event_type": "retreat",
            "booking_count": 1,
        },
    ]
    assert [r["booking_id"] for r in body["recent_bookings"]] == [
        "X-1",
        studio.jane_mountain,
        studio.jane_meditation,
        "X-2",
    ]
    assert body["booking_trends"] == {"sessions_vs_retreats": {"sessions": 2, "retreats": 2}}
    assert body["generated_at"].endswith("Z")


async def test_a_facilitator_sees_only_their_own(
    client: httpx.AsyncClient, database: Database
) -> None:
    studio = await given_studio(client, database)

    own = await get(client, studio.a_actor, f"/api/v1/facilitators/{studio.a}/bookings")
    others_dashboard = await get(
        client, studio.a_actor, f"/api/v1/facilitators/{studio.b}/dashboard"
    )
    others_bookings = await get(client, studio.a_actor, f"/api/v1/facilitators/{studio.b}/bookings")
    outside = await get(client, studio.a_actor, "/api/v1/facilitators/77/bookings")
    listed = await get(client, studio.a_actor, RECORDS)
    others_record = await get(client, studio.a_actor, f"/api/v1/bookings/{studio.bob_flow}/crm")
    move_others = await client.put(
        f"/api/v1/bookings/{studio.bob_flow}/status",
        json={"crm_status": "reviewed"},
        headers=studio.a_actor.headers,
    )
    b_dashboard = await get(client, studio.b_actor, f"/api/v1/facilitators/{studio.b}/dashboard")

    assert own.status_code == 200
    assert others_dashboard.status_code == 404
    assert others_bookings.status_code == 404
    assert outside.status_code == 404
    assert listed.json()["summary"] == {"total_notifications": 4, "filtered_results": 4}
    assert {i["facilitator_id"] for i in listed.json()["items"]} == {str(studio.a)}
    assert others_record.status_code == 404
    assert move_others.status_code == 404
    assert b_dashboard.json()["summary"]["total_bookings"] == 1
    bob = await get(client, studio.admin, f"/api/v1/bookings/{studio.bob_flow}/crm")
    assert bob.json()["booking"]["crm_status"] == "new"


async def test_staff_see_any_facilitator_of_their_organization_only(
    client: httpx.AsyncClient, database: Database
) -> None:
    studio = await given_studio(client, database)
    manager = await signed_in_as(client, database, "manager", studio.admin.organization)
    outsider = await signed_in_as(client, database, "admin")
    customer = await signed_in_as(client, database, "customer", studio.admin.organization)

    b_dashboard = await get(client, manager, f"/api/v1/facilitators/{studio.b}/dashboard")
    outside_facilitator = await get(client, manager, "/api/v1/facilitators/77/bookings")
    unknown_outside = await get(client, manager, "/api/v1/facilitators/78/bookings")
    unknown = await get(client, manager, f"/api/v1/facilitators/{uuid.uuid4()}/dashboard")
    other_org = await get(client, outsider, f"/api/v1/facilitators/{studio.a}/dashboard")
    no_permission = await get(client, customer, f"/api/v1/facilitators/{studio.a}/dashboard")
    anonymous = await client.get(f"/api/v1/facilitators/{studio.a}/dashboard")

    assert b_dashboard.status_code == 200
    assert b_dashboard.json()["summary"]["total_bookings"] == 1
    assert b_dashboard.json()["popular_events"][0]["event_title"] == "Evening Flow"
    assert outside_facilitator.json()["statistics"]["total_bookings"] == 1
    assert outside_facilitator.json()["facilitator_id"] == "77"
    assert unknown_outside.status_code == 404
    assert unknown.status_code == 404
    assert other_org.status_code == 404
    assert no_permission.status_code == 403
    assert anonymous.status_code == 401
