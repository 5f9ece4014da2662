"""PUT /bookings/{id}/status and GET /bookings/{id}/crm: the follow-up workflow and its history."""

from __future__ import annotations

import asyncio
import uuid

import httpx

from maitred.kit.db import Database
from tests.bookings.given import events_named, given_book
from tests.crm.given import (
    RECORDS,
    api_key,
    maitred_booking,
    notification,
    notify,
    records_and_changes,
)
from tests.factories import Actor, signed_in_as
from tests.probe_router import error_of


def status_url(reference: object) -> str:
    return f"/api/v1/bookings/{reference}/status"


async def move(
    client: httpx.AsyncClient, actor: Actor, reference: object, status: str, notes: str = ""
) -> httpx.Response:
    return await client.put(
        status_url(reference), json={"crm_status": status, "notes": notes}, headers=actor.headers
    )


async def history(
    client: httpx.AsyncClient, actor: Actor, reference: object
) -> list[tuple[str | None, str, str]]:
    response = await client.get(f"/api/v1/bookings/{reference}/crm", headers=actor.headers)
    assert response.status_code == 200, response.text
    return [
        (h["from_status"], h["to_status"], h["notes"])
        for h in response.json()["booking"]["history"]
    ]


async def test_a_booking_moves_through_the_workflow_and_keeps_its_history_in_order(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database)
    booking_id, _ = await maitred_booking(client, database, book)
    admin = await signed_in_as(client, database, "admin", book.organization)

    reviewed = await move(client, admin, booking_id, "reviewed", "Looked at it")
    contacted = await move(client, admin, booking_id, "CONTACTED", "Called customer to confirm")
    record = (await client.get(f"/api/v1/bookings/{booking_id}/crm", headers=admin.headers)).json()
    record_id = record["booking"]["id"]
    confirmed = await move(client, admin, record_id, "confirmed")

    assert reviewed.status_code == 200
    body = contacted.json()
    assert set(body) == {"message", "booking_id", "old_status", "new_status", "updated_at"}
    assert body["message"] == "Booking status updated successfully"
    assert (body["booking_id"], body["old_status"], body["new_status"]) == (
        str(booking_id),
        "reviewed",
        "contacted",
    )
    assert body["updated_at"].endswith("Z")
    assert confirmed.json()["booking_id"] == str(booking_id)
    assert await history(client, admin, booking_id) == [
        (None, "new", ""),
        ("new", "reviewed", "Looked at it"),
        ("reviewed", "contacted", "Called customer to confirm"),
        ("contacted", "confirmed", ""),
    ]
    [stored], _ = await records_and_changes(database)
    assert stored.crm_status == "confirmed"
    assert stored.notes == "Customer requested outdoor setup"
    events = await events_named(database, "crm.status_changed")
    assert [(e["from_status"], e["to_status"]) for e in events] == [
        ("new", "reviewed"),
        ("reviewed", "contacted"),
        ("contacted", "confirmed"),
    ]
    assert events[0]["booking_id"] == str(booking_id)
    assert events[0]["changed_by"] == str(admin.user.id)


async def test_forward_skips_and_one_step_back_are_allowed_others_are_409(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    await notify(client, admin.headers, notification("A-1"))

    skip = await move(client, admin, "A-1", "confirmed")
    back_one = await move(client, admin, "A-1", "contacted")
    back_two = await move(client, admin, "A-1", "new")
    same = await move(client, admin, "A-1", "contacted")

    assert skip.status_code == 200
    assert back_one.status_code == 200
    assert back_two.status_code == 409
    assert error_of(back_two) == {
        "error": "invalid_state",
        "message": "A record in 'contacted' cannot move to 'new'",
        "details": {"crm_status": "contacted", "allowed": ["reviewed", "confirmed", "completed"]},
    }
    assert same.status_code == 200
    assert (same.json()["old_status"], same.json()["new_status"]) == ("contacted", "contacted")
    assert await history(client, admin, "A-1") == [
        (None, "new", ""),
        ("new", "confirmed", ""),
        ("confirmed", "contacted", ""),
    ]


async def test_an_invalid_status_is_422_listing_the_valid_ones(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    await notify(client, admin.headers, notification("A-1"))

    response = await move(client, admin, "A-1", "archived")

    assert response.status_code == 422
    assert error_of(response)["details"] == {
        "crm_status": "Input should be 'new', 'reviewed', 'contacted', 'confirmed' or 'completed'"
    }
    [record], changes = await records_and_changes(database)
    assert (record.crm_status, changes) == ("new", 1)


async def test_concurrent_moves_never_lose_a_line_of_history(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    await notify(client, admin.headers, notification("A-1"))
    targets = ["reviewed", "contacted", "confirmed", "completed", "reviewed", "contacted"]

    answers = await asyncio.gather(*(move(client, admin, "A-1", t) for t in targets))

    assert {a.status_code for a in answers} <= {200, 409}
    lines = await history(client, admin, "A-1")
    changed = [a for a in answers if a.status_code == 200]
    real = [a for a in changed if a.json()["old_status"] != a.json()["new_status"]]
    assert len(lines) == 1 + len(real)
    for before, after in zip(lines, lines[1:], strict=False):
        assert after[0] == before[1]
    [record], _ = await records_and_changes(database)
    assert record.crm_status == lines[-1][1]


async def test_401_403_and_another_organizations_booking_is_404(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    viewer = await signed_in_as(client, database, "viewer", admin.organization)
    reader_key = await api_key(client, admin, ["crm:read"])
    outsider = await signed_in_as(client, database, "admin")
    record_id = await notify(client, admin.headers, notification("A-1"))
    body = {"crm_status": "reviewed"}

    anonymous = await client.put(status_url(record_id), json=body)
    by_viewer = await client.put(status_url(record_id), json=body, headers=viewer.headers)
    by_key = await client.put(status_url(record_id), json=body, headers=reader_key)
    elsewhere = await client.put(status_url(record_id), json=body, headers=outsider.headers)
    read_elsewhere = await client.get(f"{RECORDS}/{record_id}", headers=outsider.headers)
    unknown = await client.put(status_url(uuid.uuid4()), json=body, headers=admin.headers)

    assert anonymous.status_code == 401
    assert by_viewer.status_code == 403
    assert by_key.status_code == 403
    assert elsewhere.status_code == 404
    assert read_elsewhere.status_code == 404
    assert unknown.status_code == 404
    [record], changes = await records_and_changes(database)
    assert (record.crm_status, changes) == ("new", 1)
