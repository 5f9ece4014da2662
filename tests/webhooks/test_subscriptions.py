"""Webhook subscriptions through HTTP: the secret is shown once and kept encrypted, events and
URLs are validated, changes touch only what is sent, and roles and organizations are kept
apart."""

from __future__ import annotations

import base64
import re

import httpx
from sqlalchemy import text

from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.webhooks.catalog import KNOWN_EVENTS
from tests.factories import given_organization, signed_in_as
from tests.probe_router import error_of
from tests.webhooks.given import SUBSCRIPTIONS, subscribe

ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z")


async def test_the_secret_is_shown_once_and_stored_encrypted(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.post(
        SUBSCRIPTIONS,
        json={
            "url": "https://example.com/hooks/maitred",
            "events": ["booking.created", "lead.created"],
            "description": "Kitchen display",
        },
        headers=admin.headers,
    )

    assert response.status_code == 201, response.text
    created = response.json()
    secret = created.pop("secret")
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert ISO_Z.fullmatch(created.pop("created_at"))
    assert ISO_Z.fullmatch(created.pop("updated_at"))
    assert created == {
        "id": created["id"],
        "url": "https://example.com/hooks/maitred",
        "events": ["booking.created", "lead.created"],
        "description": "Kitchen display",
        "active": True,
        "flagged_at": None,
        "flag_reason": None,
        "created_by": str(admin.user.id),
    }
    fetched = (await client.get(f"{SUBSCRIPTIONS}/{created['id']}", headers=admin.headers)).json()
    listed = (await client.get(SUBSCRIPTIONS, headers=admin.headers)).json()
    assert "secret" not in fetched
    assert [set(item) for item in listed["items"]] == [set(fetched)]
    async with database.transaction(write=False) as session:
        stored = (await session.execute(text("SELECT secret FROM webhook_subscriptions"))).scalar()
    assert secret not in stored
    assert secret.removeprefix("whsec_") not in stored


async def test_a_star_subscribes_to_every_event(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    star = await subscribe(client, admin, "https://example.com/a", events="*")
    star_and_more = await subscribe(client, admin, "https://example.com/b", ["*", "lead.created"])
    repeated = await subscribe(client, admin, "https://example.com/c", ["lead.created"] * 2)

    assert star["events"] == ["*"]
    assert star_and_more["events"] == ["*"]
    assert repeated["events"] == ["lead.created"]


async def test_unknown_events_and_unusable_urls_are_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    known = ", ".join(KNOWN_EVENTS)

    async def refused(**body: object) -> dict[str, object]:
        response = await client.post(
            SUBSCRIPTIONS, json={"url": "https://example.com/h", **body}, headers=admin.headers
        )
        assert response.status_code == 422, response.text
        return error_of(response)["details"]  # type: ignore[return-value]

    assert await refused(events=["booking.exploded"]) == {
        "events": f"Unknown event 'booking.exploded'; known: {known}"
    }
    assert await refused(events=[]) == {"events": "Name at least one event, or '*'"}
    assert await refused(events="booking.created") == {
        "events": "Give a list of event names, or '*'"
    }
    assert await refused(events=["*"], secret="mine") == {"secret": "Unknown field"}
    for url, reason in (
        ("ftp://example.com/h", "Use an absolute http(s) URL, like https://example.com/hooks"),
        ("/relative/path", "Use an absolute http(s) URL, like https://example.com/hooks"),
        (
            "https://user:pw@example.com/h",
            "Credentials in the URL are not allowed; put a token in its path",
        ),
    ):
        response = await client.post(
            SUBSCRIPTIONS, json={"url": url, "events": "*"}, headers=admin.headers
        )
        assert response.status_code == 422, url
        assert error_of(response) == {
            "error": "validation_error",
            "message": "The webhook URL is not allowed",
            "details": {"url": reason},
        }
    listed = (await client.get(SUBSCRIPTIONS, headers=admin.headers)).json()
    assert listed["pagination"]["total_items"] == 0


async def test_a_change_touches_only_what_is_sent(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    created = await subscribe(client, admin, "https://example.com/h", description="Old")
    created.pop("secret")
    path = f"{SUBSCRIPTIONS}/{created['id']}"

    described = await client.patch(path, json={"description": "New"}, headers=admin.headers)
    moved = await client.patch(
        path,
        json={"url": "https://example.org/h", "events": "*", "active": False, "description": None},
        headers=admin.headers,
    )
    unknown = await client.patch(path, json={"events": ["nope.never"]}, headers=admin.headers)

    assert described.status_code == 200, described.text
    assert {k: v for k, v in described.json().items() if k != "updated_at"} == {
        **{k: v for k, v in created.items() if k != "updated_at"},
        "description": "New",
    }
    assert moved.status_code == 200, moved.text
    assert (moved.json()["url"], moved.json()["events"], moved.json()["active"]) == (
        "https://example.org/h",
        ["*"],
        False,
    )
    assert moved.json()["description"] == "New"
    assert unknown.status_code == 422
    assert (await client.get(path, headers=admin.headers)).json()["events"] == ["*"]


async def test_a_deleted_subscription_is_gone(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    created = await subscribe(client, admin, "https://example.com/h")

    deleted = await client.delete(f"{SUBSCRIPTIONS}/{created['id']}", headers=admin.headers)
    again = await client.delete(f"{SUBSCRIPTIONS}/{created['id']}", headers=admin.headers)

    assert deleted.status_code == 204
    assert again.status_code == 404
    assert error_of(again) == {
        "error": "not_found",
        "message": "No such webhook subscription",
        "details": {},
    }


async def test_subscriptions_are_listed_newest_first_by_page(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    urls = [f"https://example.com/{n}" for n in range(3)]
    for url in urls:
        await subscribe(client, admin, url, active=url.endswith("1") is False)

    first = (await client.get(SUBSCRIPTIONS, params={"limit": 2}, headers=admin.headers)).json()
    second = await client.get(SUBSCRIPTIONS, params={"limit": 2, "page": 2}, headers=admin.headers)
    inactive = await client.get(SUBSCRIPTIONS, params={"active": False}, headers=admin.headers)

    assert [item["url"] for item in first["items"]] == [urls[2], urls[1]]
    assert first["pagination"] == {
        "page": 1,
        "limit": 2,
        "total_items": 3,
        "total_pages": 2,
        "has_next": True,
        "has_prev": False,
    }
    assert [item["url"] for item in second.json()["items"]] == [urls[0]]
    assert [item["url"] for item in inactive.json()["items"]] == [urls[1]]


async def test_roles_without_the_permission_are_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    admin = await signed_in_as(client, database, Role.admin, organization)
    manager = await signed_in_as(client, database, Role.manager, organization)
    staff = await signed_in_as(client, database, Role.staff, organization)
    created = await subscribe(client, admin, "https://example.com/h")
    body = {"url": "https://example.com/x", "events": "*"}

    anonymous = await client.get(SUBSCRIPTIONS)
    staff_reads = await client.get(SUBSCRIPTIONS, headers=staff.headers)
    manager_reads = await client.get(f"{SUBSCRIPTIONS}/{created['id']}", headers=manager.headers)
    manager_writes = await client.post(SUBSCRIPTIONS, json=body, headers=manager.headers)
    manager_deletes = await client.delete(
        f"{SUBSCRIPTIONS}/{created['id']}", headers=manager.headers
    )

    assert anonymous.status_code == 401
    assert staff_reads.status_code == 403
    assert error_of(staff_reads)["message"] == "Requires permission webhooks:read"
    assert manager_reads.status_code == 200
    assert manager_writes.status_code == 403
    assert manager_deletes.status_code == 403
    listed = (await client.get(SUBSCRIPTIONS, headers=admin.headers)).json()
    assert [item["id"] for item in listed["items"]] == [created["id"]]


async def test_another_organizations_subscription_is_not_found(
    client: httpx.AsyncClient, database: Database
) -> None:
    ours = await signed_in_as(client, database, Role.admin)
    theirs = await signed_in_as(
        client, database, Role.admin, await given_organization(database, "Other")
    )
    created = await subscribe(client, ours, "https://example.com/h")
    path = f"{SUBSCRIPTIONS}/{created['id']}"

    answers = [
        await client.get(path, headers=theirs.headers),
        await client.patch(path, json={"active": False}, headers=theirs.headers),
        await client.delete(path, headers=theirs.headers),
        await client.post(f"{path}/test", headers=theirs.headers),
        await client.get(f"{path}/deliveries", headers=theirs.headers),
    ]

    assert [answer.status_code for answer in answers] == [404] * 5
    assert (await client.get(SUBSCRIPTIONS, headers=theirs.headers)).json()["items"] == []
    unchanged = (await client.get(path, headers=ours.headers)).json()
    assert unchanged["active"] is True
    deliveries = await client.get(f"{path}/deliveries", headers=ours.headers)
    assert deliveries.json() == {"items": [], "next_cursor": None}
