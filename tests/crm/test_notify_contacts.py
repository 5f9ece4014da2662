"""An outside system's notification is never dropped over a malformed contact field (issue 18):
seed 002's own example carries `+1234567890`, nine digits after +1, which no North American
number has. It is kept as sent and flagged for staff; a possible number is still stored E.164."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from maitred.kit.db import Database
from tests.crm.given import (
    NOTIFY,
    RECORDS,
    SEED_002_NOTIFICATION,
    api_key,
    notification,
    records_and_changes,
)
from tests.factories import signed_in_as

TOO_SHORT = (
    "Not a valid phone number (too short: 9 digits after +1, where numbers have 10); kept as sent"
)


async def test_seed_002s_notification_is_kept_with_its_phone_as_sent_and_flagged(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    key = await api_key(client, admin, ["crm:write"])

    response = await client.post(NOTIFY, json=SEED_002_NOTIFICATION, headers=key)
    again = await client.post(NOTIFY, json=SEED_002_NOTIFICATION, headers=key)

    assert response.status_code == 201, response.text
    assert response.json()["status"] == "success"
    assert response.json()["contact_flags"] == {"user.phone": TOO_SHORT}
    assert again.status_code == 200
    assert again.json() == response.json()
    record_id = response.json()["notification_id"]
    booking = (await client.get(f"{RECORDS}/{record_id}", headers=admin.headers)).json()["booking"]
    assert booking["user"] == {
        "id": "1",
        "email": "user@example.com",
        "name": "John Doe",
        "phone": "+1234567890",
    }
    assert booking["contact_flags"] == {"user.phone": TOO_SHORT}
    [record], changes = await records_and_changes(database)
    assert (record.contact_phone, record.contact_flags, changes) == (
        "+1234567890",
        {"user.phone": TOO_SHORT},
        1,
    )
    async with database.transaction(write=False) as session:
        stored = (await session.execute(text("SELECT contact_phone FROM crm_records"))).scalar()
    assert str(stored).startswith("v1.")  # as sent, but encrypted like every phone


async def test_a_malformed_email_and_a_phone_that_is_no_number_are_kept_and_flagged(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    key = await api_key(client, admin, ["crm:write"])
    body = notification("BK-9")
    body["user"] = {**body["user"], "email": "not-an-email", "phone": "call the front desk"}

    response = await client.post(NOTIFY, json=body, headers=key)

    assert response.status_code == 201, response.text
    assert response.json()["contact_flags"] == {
        "user.email": "Not a valid email address; kept as sent",
        "user.phone": "Not a valid phone number; kept as sent",
    }
    [record], _ = await records_and_changes(database)
    assert (record.contact_email, record.contact_phone) == ("not-an-email", "call the front desk")


async def test_a_possible_number_is_stored_e164_without_a_flag_even_when_not_dialable(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    key = await api_key(client, admin, ["crm:write"])
    body = notification("BK-10")
    body["user"] = {**body["user"], "phone": "555-123-4567"}

    response = await client.post(NOTIFY, json=body, headers=key)

    assert response.status_code == 201, response.text
    assert response.json()["contact_flags"] == {}
    [record], _ = await records_and_changes(database)
    assert (record.contact_phone, record.contact_email, record.contact_flags) == (
        "+15551234567",
        "user@example.com",
        {},
    )
