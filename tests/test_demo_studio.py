"""`maitred demo` also loads a wellness studio (seed 002): what its admin and its signed-in
facilitator see, and that loading it again creates nothing."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from maitred.demo import DEMO_ADMIN, DEMO_PASSWORD, load_demo
from maitred.demo.studio import STUDIO_ADMIN, STUDIO_FACILITATOR
from maitred.kit.db import Database
from tests.factories import bearer, sign_in
from tests.test_demo import API, every, total

pytestmark = pytest.mark.long  # loads the demo: scheduled first

CRM_STATUSES = ("new", "reviewed", "contacted", "confirmed", "completed")
FACILITATORS = ["Daniel Reyes", "Lena Park", "Maya Okafor", "Priya Shah"]


async def studio_counts(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, int]:
    return {
        "facilitators": await total(client, "/facilitators", admin),
        "events": await total(client, "/events", admin, status="all"),
        "bookings": await total(client, "/bookings", admin),
        "customers": await total(client, "/customers", admin),
        "crm records": await total(client, "/crm/bookings", admin),
    }


async def test_demo_loads_a_wellness_studio_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    first = await load_demo(database)
    admin = bearer(await sign_in(client, STUDIO_ADMIN, DEMO_PASSWORD))
    maya = bearer(await sign_in(client, STUDIO_FACILITATOR, DEMO_PASSWORD))
    hibachi = bearer(await sign_in(client, DEMO_ADMIN, DEMO_PASSWORD))
    now = datetime.now(ZoneInfo("America/Los_Angeles"))

    assert (
        "created demo organization 'Lotus Flow Studio (demo)' (slug lotus-flow-studio-demo)"
        in first
    )
    assert f"created demo user {STUDIO_ADMIN} (admin) / password {DEMO_PASSWORD}" in first
    assert f"created demo user {STUDIO_FACILITATOR} (facilitator) / password {DEMO_PASSWORD}" in (
        first
    )

    # Four active facilitators with a bio and a photo; Maya's profile is her account's.
    facilitators = await every(client, "/facilitators", admin)
    assert sorted(f["name"] for f in facilitators) == FACILITATORS
    assert all(f["is_active"] and f["bio"] and f["photo_url"] for f in facilitators)
    linked = [f for f in facilitators if f["user_id"] is not None]
    assert [f["name"] for f in linked] == ["Maya Okafor"]
    maya_id = linked[0]["id"]

    # Weekly classes and two retreats, all active, from tomorrow over three months.
    events = await every(client, "/events", admin)
    assert len(events) == await total(client, "/events", admin, status="all")
    series = Counter(e["series_id"] for e in events if e["event_type"] == "session")
    assert None not in series
    assert len(series) == 4
    assert all(12 <= count <= 14 for count in series.values()), series
    retreats = [e for e in events if e["event_type"] == "retreat"]
    assert len(retreats) == 2
    starts = [datetime.fromisoformat(e["start_datetime"]) for e in events]
    assert now < min(starts)
    assert max(starts) < now + timedelta(days=92)
    for retreat in retreats:
        length = datetime.fromisoformat(retreat["end_datetime"]) - datetime.fromisoformat(
            retreat["start_datetime"]
        )
        assert length > timedelta(days=1)
        assert retreat["price"] > max(e["price"] for e in events if e["series_id"])
        assert 12 <= retreat["max_participants"] <= 20
    assert {e["facilitator"]["name"] for e in events} == set(FACILITATORS)

    # Some sold out (every seat taken); seats were cancelled and given back.
    full = [e for e in events if e["is_full"]]
    assert full
    assert all(e["current_participants"] == e["max_participants"] for e in full)
    assert any(e["event_type"] == "retreat" for e in full)
    cancelled = await total(client, "/bookings", admin, status="cancelled")
    confirmed = await total(client, "/bookings", admin, status="confirmed")
    assert cancelled > 0
    assert confirmed == sum(e["current_participants"] for e in events)
    assert await total(client, "/customers", admin) == 40

    # Followed up in every CRM status; a completed record went through the whole workflow.
    by_crm = {s: await total(client, "/crm/bookings", admin, crm_status=s) for s in CRM_STATUSES}
    assert all(by_crm.values()), by_crm
    assert sum(by_crm.values()) == confirmed + cancelled
    done = (await every(client, "/crm/bookings", admin, crm_status="completed"))[0]
    record = await client.get(f"{API}/crm/bookings/{done['booking_id']}", headers=admin)
    assert record.status_code == 200, record.text
    history = [change["to_status"] for change in record.json()["booking"]["history"]]
    assert history == list(CRM_STATUSES)

    # Maya sees her own dashboard, not another facilitator's (hidden as if it did not exist).
    own = await client.get(f"{API}/facilitators/{maya_id}/dashboard", headers=maya)
    other_id = next(f["id"] for f in facilitators if f["id"] != maya_id)
    others = await client.get(f"{API}/facilitators/{other_id}/dashboard", headers=maya)
    assert own.status_code == 200, own.text
    maya_seats = await total(client, "/crm/bookings", admin, facilitator_id=maya_id)
    assert own.json()["summary"]["total_bookings"] == maya_seats > 0
    assert own.json()["summary"]["retreat_bookings"] > 0
    assert others.status_code == 404
    assert await total(client, "/crm/bookings", maya) == maya_seats

    # The studio is its own organization: the hibachi admin sees none of it.
    assert await total(client, "/events", hibachi, status="all") == 0

    # Again: nothing new.
    before = await studio_counts(client, admin)
    again = await load_demo(database)

    assert again[-7:] == [
        f"kept demo user {STUDIO_ADMIN} (admin) / password {DEMO_PASSWORD}",
        f"kept demo user {STUDIO_FACILITATOR} (facilitator) / password {DEMO_PASSWORD}",
        "kept the studio's event types",
        "kept 4 facilitators",
        f"kept {len(events)} studio events",
        "kept 40 studio customers",
        f"kept {before['bookings']} studio bookings",
    ]
    assert await studio_counts(client, admin) == before
