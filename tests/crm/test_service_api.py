"""Seed 002's CRM service API under the base URL /crm: the seed's requests exactly as it prints
them (its CRM token is an API key sent as `Authorization: Bearer`), answered in its shapes, and
another organization's key finds nothing of this one's."""

from __future__ import annotations

from typing import Any

import httpx

from maitred.kit.db import Database
from tests.crm.given import SEED_002_NOTIFICATION, records_and_changes
from tests.factories import Actor, signed_in_as
from tests.probe_router import error_of

BASE = "/crm"
SEED_RECORD: dict[str, Any] = {
    "id": 1,
    "booking_id": 1,
    "user": {"id": 1, "email": "user@example.com", "name": "John Doe", "phone": "+1234567890"},
    "event": {"id": 1, "title": "Morning Meditation Session", "type": "session"},
    "facilitator_id": 1,
    "received_at": "2024-01-01T12:00:00",
    "status": "received",
    "crm_status": "new",
}
SEED_PAGINATION = {
    "page": 1,
    "per_page": 10,
    "total": 25,
    "pages": 3,
    "has_next": True,
    "has_prev": False,
}
SEED_LIST = {
    "bookings": [SEED_RECORD],
    "pagination": SEED_PAGINATION,
    "filters_applied": dict.fromkeys(
        ("facilitator_id", "event_id", "user_id", "status", "crm_status")
    ),
    "summary": {"total_notifications": 25, "filtered_results": 25},
}
SEED_FACILITATOR_BOOKINGS = {
    "facilitator_id": 1,
    "bookings": [SEED_RECORD],
    "statistics": {
        "total_bookings": 15,
        "session_bookings": 10,
        "retreat_bookings": 5,
        "recent_bookings": 3,
        "unique_users": 12,
        "unique_events": 8,
    },
    "pagination": SEED_PAGINATION,
}
SEED_DASHBOARD = {
    "facilitator_id": 1,
    "summary": {
        "total_bookings": 15,
        "session_bookings": 10,
        "retreat_bookings": 5,
        "recent_bookings_count": 3,
        "unique_events": 8,
        "unique_users": 12,
    },
    "popular_events": [
        {
            "event_id": 1,
            "event_title": "Morning Meditation Session",
            "event_type": "session",
            "booking_count": 8,
        }
    ],
    "recent_bookings": [
        {
            "id": 1,
            "booking_id": 1,
            "user": {"id": 1, "name": "John Doe", "email": "user@example.com"},
            "event": {"id": 1, "title": "Morning Meditation Session"},
            "received_at": "2024-01-01T12:00:00",
        }
    ],
    "booking_trends": {"sessions_vs_retreats": {"sessions": 10, "retreats": 5}},
    "generated_at": "2024-01-01T12:00:00",
}
SEED_STATUS_UPDATED = {
    "message": "Booking status updated successfully",
    "booking_id": 1,
    "old_status": "new",
    "new_status": "contacted",
    "updated_at": "2024-01-01T12:00:00",
}
SEED_HEALTH = {
    "status": "healthy",
    "service": "CRM Notification Service",
    "port": 8003,
    "timestamp": "2024-01-01T12:00:00",
    "notifications_received": 25,
    "unique_facilitators": 5,
    "unique_events": 12,
    "endpoints": [
        "/health",
        "/api/notify",
        "/api/bookings",
        "/api/facilitators/{id}/bookings",
        "/api/facilitators/{id}/dashboard",
        "/api/bookings/{id}",
        "/api/bookings/{id}/status",
    ],
}


def missing_from(seed: Any, answer: Any, at: str = "") -> list[str]:
    """Where `answer` lacks a field of the seed's shape (extra fields of maitred's are fine)."""
    if isinstance(seed, dict):
        if not isinstance(answer, dict):
            return [at or "."]
        return [
            gap
            for key, value in seed.items()
            for gap in (
                missing_from(value, answer[key], f"{at}.{key}")
                if key in answer
                else [f"{at}.{key}"]
            )
        ]
    if isinstance(seed, list) and seed:
        if not isinstance(answer, list) or not answer:
            return [f"{at}[]"]
        return [gap for item in answer for gap in missing_from(seed[0], item, f"{at}[]")]
    return []


async def crm_state(database: Database) -> tuple[list[tuple[Any, ...]], int]:
    records, changes = await records_and_changes(database)
    return sorted((r.id, r.crm_status, r.notes, r.updated_at) for r in records), changes


async def crm_token(client: httpx.AsyncClient, admin: Actor) -> dict[str, str]:
    """The seed's CRM token: an API key with the CRM's scopes, sent as a Bearer token."""
    response = await client.post(
        "/api/v1/api-keys",
        json={"name": "Main service", "scopes": ["crm:read", "crm:write"]},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['key']}"}


async def test_seed_002s_crm_requests_as_printed_answer_its_shapes(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    token = await crm_token(client, admin)

    notified = await client.post(f"{BASE}/api/notify", json=SEED_002_NOTIFICATION, headers=token)
    again = await client.post(f"{BASE}/api/notify", json=SEED_002_NOTIFICATION, headers=token)
    listed = await client.get(f"{BASE}/api/bookings", headers=token)
    filtered = await client.get(
        f"{BASE}/api/bookings?facilitator_id=1&crm_status=new&page=1&per_page=10", headers=token
    )
    one = await client.get(f"{BASE}/api/bookings/1", headers=token)
    facilitator = await client.get(f"{BASE}/api/facilitators/1/bookings", headers=token)
    dashboard = await client.get(f"{BASE}/api/facilitators/1/dashboard", headers=token)
    moved = await client.put(
        f"{BASE}/api/bookings/1/status",
        json={"crm_status": "contacted", "notes": "Called customer to confirm attendance"},
        headers=token,
    )
    health = await client.get(f"{BASE}/health", headers=token)
    api_health = await client.get(f"{BASE}/api/health", headers=token)
    anonymous_health = await client.get(f"{BASE}/health")

    assert notified.status_code == 200, notified.text
    assert {k: v for k, v in notified.json().items() if k != "notification_id"} == {
        "message": "Booking notification received successfully",
        "status": "success",
        # The seed's example phone is too short to be a number; kept as sent, and flagged.
        "contact_flags": {"user.phone": notified.json()["contact_flags"]["user.phone"]},
    }
    assert again.status_code == 200
    assert again.json()["notification_id"] == notified.json()["notification_id"]
    for answer, seed in (
        (listed, SEED_LIST),
        (filtered, SEED_LIST),
        (facilitator, SEED_FACILITATOR_BOOKINGS),
        (dashboard, SEED_DASHBOARD),
        (moved, SEED_STATUS_UPDATED),
        (health, SEED_HEALTH),
        (api_health, SEED_HEALTH),
        (anonymous_health, SEED_HEALTH),
    ):
        assert answer.status_code == 200, answer.text
        assert missing_from(seed, answer.json()) == [], answer.request.url
    assert one.status_code == 200, one.text
    assert missing_from({"booking": SEED_RECORD}, one.json()) == []
    record = one.json()["booking"]
    assert record["id"] == notified.json()["notification_id"]
    assert record["booking_id"] == "1"
    assert record["user"]["phone"] == "+1234567890"
    assert listed.json()["pagination"] == {
        "page": 1,
        "per_page": 10,
        "total": 1,
        "pages": 1,
        "has_next": False,
        "has_prev": False,
    }
    assert filtered.json()["filters_applied"] == {
        "facilitator_id": "1",
        "event_id": None,
        "user_id": None,
        "status": None,
        "crm_status": "new",
    }
    assert facilitator.json()["statistics"]["total_bookings"] == 1
    assert dashboard.json()["popular_events"][0]["booking_count"] == 1
    assert (moved.json()["old_status"], moved.json()["new_status"]) == ("new", "contacted")
    assert health.json()["endpoints"] == SEED_HEALTH["endpoints"]
    figures = ("notifications_received", "unique_facilitators", "unique_events")
    assert [health.json()[k] for k in figures] == [1, 1, 1]
    assert [api_health.json()[k] for k in figures] == [1, 1, 1]
    # Nobody's figures without a CRM token.
    assert [anonymous_health.json()[k] for k in figures] == [None, None, None]


async def test_the_crm_service_api_needs_the_crm_token_and_its_scopes(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    reader = await client.post(
        "/api/v1/api-keys", json={"name": "Reports", "scopes": ["crm:read"]}, headers=admin.headers
    )
    read_only = {"Authorization": f"Bearer {reader.json()['key']}"}

    anonymous = await client.get(f"{BASE}/api/bookings")
    anonymous_notify = await client.post(f"{BASE}/api/notify", json=SEED_002_NOTIFICATION)
    wrong_token = await client.post(
        f"{BASE}/api/notify",
        json=SEED_002_NOTIFICATION,
        headers={"Authorization": "Bearer crm-static-bearer-token-123"},
    )
    reader_notify = await client.post(
        f"{BASE}/api/notify", json=SEED_002_NOTIFICATION, headers=read_only
    )
    bad_token_health = await client.get(
        f"{BASE}/health", headers={"Authorization": "Bearer crm-static-bearer-token-123"}
    )

    assert anonymous.status_code == 401
    assert anonymous_notify.status_code == 401
    assert wrong_token.status_code == 401
    assert reader_notify.status_code == 403
    assert error_of(anonymous)["error"] == "unauthorized"
    assert bad_token_health.status_code == 401
    assert await records_and_changes(database) == ([], 0)


async def test_another_organizations_crm_token_gets_404_by_id_and_changes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    victim = await signed_in_as(client, database, "admin")
    victim_token = await crm_token(client, victim)
    notified = await client.post(
        f"{BASE}/api/notify", json=SEED_002_NOTIFICATION, headers=victim_token
    )
    record_id = notified.json()["notification_id"]
    intruder = await signed_in_as(client, database, "admin")
    token = await crm_token(client, intruder)
    before = await crm_state(database)

    by_outside_id = await client.get(f"{BASE}/api/bookings/1", headers=token)
    by_record_id = await client.get(f"{BASE}/api/bookings/{record_id}", headers=token)
    moved = await client.put(
        f"{BASE}/api/bookings/{record_id}/status",
        json={"crm_status": "contacted", "notes": "Called customer to confirm attendance"},
        headers=token,
    )
    moved_by_outside_id = await client.put(
        f"{BASE}/api/bookings/1/status", json={"crm_status": "completed"}, headers=token
    )
    facilitator = await client.get(f"{BASE}/api/facilitators/1/bookings", headers=token)
    dashboard = await client.get(f"{BASE}/api/facilitators/1/dashboard", headers=token)
    listed = await client.get(f"{BASE}/api/bookings", headers=token)
    health = await client.get(f"{BASE}/health", headers=token)

    for answer in (
        by_outside_id,
        by_record_id,
        moved,
        moved_by_outside_id,
        facilitator,
        dashboard,
    ):
        assert answer.status_code == 404, (answer.request.url, answer.text)
        assert error_of(answer)["error"] == "not_found"
    assert listed.json()["bookings"] == []
    assert listed.json()["summary"]["total_notifications"] == 0
    assert health.json()["notifications_received"] == 0
    assert await crm_state(database) == before
    mine = await client.get(f"{BASE}/api/bookings/1", headers=victim_token)
    assert mine.json()["booking"]["crm_status"] == "new"


async def test_the_crm_service_apis_changes_are_in_the_audit_log(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    token = await crm_token(client, admin)

    await client.post(f"{BASE}/api/notify", json=SEED_002_NOTIFICATION, headers=token)
    await client.put(
        f"{BASE}/api/bookings/1/status", json={"crm_status": "reviewed"}, headers=token
    )
    logged = await client.get("/api/v1/audit-logs", params={"limit": 100}, headers=admin.headers)

    assert logged.status_code == 200, logged.text
    rows = {row["path"]: row for row in logged.json()["items"]}
    assert rows["/crm/api/notify"]["actor_api_key_id"] is not None
    assert rows["/crm/api/notify"]["organization_id"] == str(admin.organization.id)  # type: ignore[union-attr]
    assert rows["/crm/api/bookings/1/status"]["method"] == "PUT"
