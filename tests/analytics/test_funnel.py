"""The sales funnel on leads placed by hand around March 2026 (Los Angeles): each counts in the
period its local arrival day falls in, and at every stage it reached."""

from __future__ import annotations

import uuid
from datetime import datetime

import httpx

from maitred.kit.db import Database
from maitred.leads.models import Lead
from tests.factories import given_organization, given_user, signed_in_as

MARCH = {"start_date": "2026-03-01", "end_date": "2026-03-31"}


async def _lead(
    database: Database,
    organization_id: uuid.UUID,
    created_at: str,
    status: str,
    source: str = "website",
    *,
    owner: uuid.UUID | None = None,
    booked: bool = False,
) -> None:
    async with database.transaction() as session:
        session.add(
            Lead(
                organization_id=organization_id,
                name="Someone",
                source=source,
                status=status,
                assigned_to=owner,
                booking_id=uuid.uuid4() if booked else None,
                created_at=datetime.fromisoformat(created_at),
            )
        )


async def test_funnel_of_march_by_source_and_owner(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    manager = await signed_in_as(client, database, "manager", organization)
    sam = (await given_user(database, organization, "staff")).id
    org = organization.id
    await _lead(database, org, "2026-03-02T18:00:00+00:00", "new")
    await _lead(database, org, "2026-03-03T18:00:00+00:00", "contacted", owner=sam)
    await _lead(database, org, "2026-03-08T09:30:00+00:00", "quoted", "instagram", owner=sam)
    await _lead(database, org, "2026-03-20T18:00:00+00:00", "won", owner=sam, booked=True)
    await _lead(database, org, "2026-03-21T18:00:00+00:00", "lost", "instagram")
    # 23:30 on 28 February in Los Angeles, and 00:30 on 1 April: both outside March.
    await _lead(database, org, "2026-03-01T07:30:00+00:00", "won", booked=True)
    await _lead(database, org, "2026-04-01T07:30:00+00:00", "new")

    answer = await client.get("/api/v1/analytics/funnel", params=MARCH, headers=manager.headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [(s["stage"], s["count"]) for s in body["stages"]] == [
        ("leads", 5),
        ("contacted", 3),  # contacted, quoted, won
        ("quoted", 2),
        ("won", 1),
        ("booked", 1),
    ]
    assert body["lost"] == 1
    assert body["conversion_rate"] == 0.2
    by_source = {row["source"]: row for row in body["by_source"]}
    assert (by_source["website"]["leads"], by_source["website"]["booked"]) == (3, 1)
    assert (by_source["instagram"]["leads"], by_source["instagram"]["quoted"]) == (2, 1)
    by_owner = {row["user_id"]: row for row in body["by_staff"]}
    assert by_owner[str(sam)]["leads"] == 3
    assert by_owner[str(sam)]["conversion_rate"] == 0.3333
    assert by_owner[None]["leads"] == 2
    # February (29 Jan - 28 Feb) had one lead, which was booked.
    assert body["change_percent"] == {"leads": 400.0, "booked": 0.0}
