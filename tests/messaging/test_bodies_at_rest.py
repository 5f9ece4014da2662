"""What is said in a message is personal data: encrypted at rest (issue 17, item 7), and still
read back by history and the inbox, in and out."""

from __future__ import annotations

import httpx
from sqlalchemy import text

from maitred.config import Settings
from maitred.kit.db import Database
from tests.factories import deliver_everything, signed_in_as

SAID = "The gate code is 4821, park behind the garage"


async def test_a_message_body_is_encrypted_in_its_row_and_read_back(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    staff = await signed_in_as(client, database, "staff")

    queued = await client.post(
        "/api/v1/notifications/sms",
        json={"to": "(916) 555-0101", "message": SAID},
        headers=staff.headers,
    )
    await deliver_everything(database, settings)
    async with database.transaction(write=False) as session:
        stored = (await session.execute(text("SELECT body_text FROM messages"))).scalar_one()
    history = await client.get("/api/v1/notifications/history", headers=staff.headers)
    inbox = await client.get("/api/v1/messages/inbox", headers=staff.headers)

    assert queued.status_code == 201, queued.text
    assert SAID not in stored
    assert "4821" not in stored
    assert stored.startswith("v1.")
    assert [item["body_text"] for item in history.json()["items"]] == [SAID]
    assert [item["content"] for item in inbox.json()["items"]] == [SAID]
