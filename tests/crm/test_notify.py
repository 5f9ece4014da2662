"""POST /crm/notify (seed 002's /api/notify): outside bookings kept once, by API key."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from tests.crm.given import (
    NOTIFY,
    RECORDS,
    api_key,
    given_facilitator,
    notification,
    notify,
    records_and_changes,
)
from tests.factories import signed_in_as
from tests.probe_router import error_of


async def test_a_notification_is_stored_normalized_and_answers_seed_002(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    key = await api_key(client, admin, ["crm:write"])

    response = await client.post(NOTIFY, json=notification(1), headers=key)
    record_id = response.json()["notification_id"]
    detail = await client.get(f"{RECORDS}/{record_id}", headers=admin.headers)

    assert response.status_code == 201
    assert response.json() == {
        "message": "Booking notification received successfully",
        "notification_id": record_id,
        "status": "success",
        "contact_flags": {},
    }
    booking = detail.json()["booking"]
    assert {k: v for k, v in booking.items() if k not in ("received_at", "history")} == {
        "id": record_id,
        "booking_id": "1",
        "kind": "external",
        "user": {
            "id": "1",
            "email": "user@example.com",
            "name": "John Doe",
            "phone": "+19165550123",
        },
        "event": {"id": "1", "title": "Morning Meditation Session", "type": "session"},
        "facilitator_id": "1",
        # Naive times are the organization's (America/Los_Angeles): noon is 20:00 UTC.
        "booking_date": "2024-01-01T20:00:00Z",
        "status": "received",
        "crm_status": "new",
        "notes": "Looking forward to this session",
        "contact_flags": {},
    }
    [first] = booking["history"]
    assert first["from_status"] is None
    assert first["to_status"] == "new"
    assert first["changed_by"] is None
    assert first["changed_by_api_key"] is not None


async def test_the_same_booking_again_is_200_with_the_first_id_and_changes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    key = await api_key(client, admin, ["crm:write"])
    first = await notify(client, key, notification("BK-77"))

    again = await client.post(
        NOTIFY, json=notification("BK-77", notes="Changed my mind"), headers=key
    )
    # Seed 002's own path, as a system configured for its CRM service would call it.
    seed_path = await client.post("/api/notify", json=notification("BK-77"), headers=key)

    assert again.status_code == 200
    assert again.json()["notification_id"] == first
    assert seed_path.status_code == 200
    assert seed_path.json()["notification_id"] == first
    [record], changes = await records_and_changes(database)
    assert record.notes == "Looking forward to this session"
    assert changes == 1


async def test_a_facilitator_uuid_of_the_organization_links_the_record(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    assert admin.organization is not None
    facilitator_id = await given_facilitator(database, admin.organization)
    stranger = "0b5c9a3e-8d0f-4a55-9c1e-2f3a4b5c6d7e"

    await notify(client, admin.headers, notification(1, facilitator_id=str(facilitator_id)))
    await notify(client, admin.headers, notification(2, facilitator_id=stranger))

    records, _ = await records_and_changes(database)
    linked = {r.external_id: (r.facilitator_id, r.external_facilitator_id) for r in records}
    assert linked == {"1": (facilitator_id, None), "2": (None, stranger)}


async def test_without_a_key_401_and_with_a_key_lacking_crm_write_403(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    reader = await api_key(client, admin, ["crm:read"])
    viewer = await signed_in_as(client, database, "viewer", admin.organization)

    anonymous = await client.post(NOTIFY, json=notification(1))
    read_only = await client.post(NOTIFY, json=notification(1), headers=reader)
    by_viewer = await client.post(NOTIFY, json=notification(1), headers=viewer.headers)
    wrong_key = await client.post(NOTIFY, json=notification(1), headers={"X-API-Key": "mk_nope"})

    assert anonymous.status_code == 401
    assert wrong_key.status_code == 401
    assert read_only.status_code == 403
    assert error_of(read_only)["error"] == "forbidden"
    assert by_viewer.status_code == 403
    assert await records_and_changes(database) == ([], 0)


async def test_unknown_fields_are_422_and_store_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    key = await api_key(client, admin, ["crm:write"])

    unknown = await client.post(NOTIFY, json=notification(1, priority="high"), headers=key)
    nested = await client.post(
        NOTIFY,
        json=notification(1, event={"id": 1, "title": "x", "type": "session", "room": "B"}),
        headers=key,
    )

    assert unknown.status_code == 422
    assert error_of(unknown)["details"] == {"priority": "Unknown field"}
    assert nested.status_code == 422
    assert error_of(nested)["details"] == {"event.room": "Unknown field"}
    assert await records_and_changes(database) == ([], 0)
