"""The audit log through HTTP: what sign-ins and state changes leave behind, and who reads it."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from maitred.audit import service as audit_service
from maitred.kit.db import Database
from tests.factories import (
    PASSWORD,
    Actor,
    bearer,
    given_organization,
    given_user,
    sign_in,
    signed_in_as,
)
from tests.probe_router import error_of

NEW_PASSWORD = "an entirely different passphrase"


async def audit_items(client: httpx.AsyncClient, reader: Actor, **params: Any) -> list[Any]:
    response = await client.get("/api/v1/audit-logs", params=params, headers=reader.headers)
    assert response.status_code == 200, response.text
    items: list[Any] = response.json()["items"]
    return items


async def raw_rows(database: Database) -> list[str]:
    """Every stored row as text, read past the API."""
    async with database.transaction(write=False) as session:
        rows = (await session.execute(text("SELECT * FROM audit_logs"))).all()
    return [" ".join(str(value) for value in row) for row in rows]


async def test_a_sign_in_is_recorded_with_its_actor_and_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    admin = await signed_in_as(client, database, "admin", org)
    staff = await given_user(database, org, "staff")

    response = await client.post(
        "/api/v1/auth/login",
        json={"email": staff.email, "password": PASSWORD},
        headers={"User-Agent": "hibachi-tablet/2.1", "X-Request-ID": "req-login-1"},
    )

    assert response.status_code == 200
    [row] = await audit_items(client, admin, actor_user_id=str(staff.id))
    assert row["action"] == "auth.login"
    assert row["organization_id"] == str(org.id)
    assert row["actor_user_id"] == str(staff.id)
    assert row["actor_api_key_id"] is None
    assert row["resource_type"] == "user"
    assert row["resource_id"] == str(staff.id)
    assert row["method"] == "POST"
    assert row["path"] == "/api/v1/auth/login"
    assert row["status_code"] == 200
    assert row["ip"] == "127.0.0.1"
    assert row["user_agent"] == "hibachi-tablet/2.1"
    assert row["request_id"] == "req-login-1"
    assert row["changes"] == {"fields": ["email", "password"], "method": "password"}
    single = await client.get(f"/api/v1/audit-logs/{row['id']}", headers=admin.headers)
    assert single.status_code == 200
    assert single.json() == row


async def test_a_failed_sign_in_is_recorded_without_what_was_typed(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    admin = await signed_in_as(client, database, "admin", org)
    staff = await given_user(database, org, "staff", email="grill@hibachi.example")

    wrong = await client.post(
        "/api/v1/auth/login",
        json={"email": "GRILL@hibachi.example", "password": "guessing-Secret-42"},
    )
    unknown = await client.post(
        "/api/v1/auth/login",
        json={"email": "stranger@elsewhere.example", "password": "guessing-Secret-43"},
    )

    assert wrong.status_code == unknown.status_code == 401
    [row] = await audit_items(client, admin, action="auth.login_failed")
    assert row["actor_user_id"] == str(staff.id)
    assert row["organization_id"] == str(org.id)
    assert row["status_code"] == 401
    assert row["changes"] == {"fields": ["email", "password"]}
    stored = await raw_rows(database)
    assert sum("auth.login_failed" in line for line in stored) == 2
    for typed in ("guessing-Secret-42", "guessing-Secret-43", "grill@", "GRILL@", "stranger@"):
        assert not any(typed in line for line in stored)


async def test_signing_out_is_recorded_with_the_actor(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    admin = await signed_in_as(client, database, "admin", org)
    manager = await signed_in_as(client, database, "manager", org)

    response = await client.post(
        "/api/v1/auth/logout", json={"everywhere": True}, headers=manager.headers
    )

    assert response.status_code == 204
    [row] = await audit_items(client, admin, action="auth.logout")
    assert row["actor_user_id"] == str(manager.user.id)
    assert row["organization_id"] == str(org.id)
    assert row["resource_type"] == "auth"
    assert row["status_code"] == 204
    assert row["changes"] == {"fields": ["everywhere"], "everywhere": True}


async def test_a_failed_request_nothing_recorded_gets_a_row_named_after_its_route(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    admin = await signed_in_as(client, database, "admin", org)

    response = await client.post(
        "/api/auth/change-password",
        json={"current_password": "not my password", "new_password": NEW_PASSWORD},
        headers=admin.headers,
    )

    assert response.status_code == 401
    [row] = await audit_items(client, admin, action="auth.change_password")
    assert row["actor_user_id"] == str(admin.user.id)
    assert row["path"] == "/api/auth/change-password"
    assert row["status_code"] == 401
    assert row["changes"] == {"fields": ["current_password", "new_password"]}


async def test_reads_and_requests_outside_the_api_are_not_recorded(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    admin = await signed_in_as(client, database, "admin", org)
    before = await raw_rows(database)

    await client.get("/api/v1/auth/me", headers=admin.headers)
    await client.get("/api/v1/audit-logs", headers=admin.headers)
    await client.post("/health", json={})

    assert await raw_rows(database) == before


async def test_a_post_that_changes_nothing_is_not_recorded(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    admin = await signed_in_as(client, database, "admin", org)
    before = await raw_rows(database)

    reads = [
        await client.post(path, json={"text": "hi, 12 guests"}, headers=admin.headers)
        for path in ("/api/v1/ai/understand", "/api/ai/understand")
    ]
    logged_out = await client.post("/api/v1/auth/logout", json={}, headers=admin.headers)

    assert [r.status_code for r in reads] + [logged_out.status_code] == [200, 200, 204]
    after = await raw_rows(database)
    assert len(after) == len(before) + 1
    assert not [row for row in after if "understand" in row]


async def test_requests_that_finish_together_are_each_recorded_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    """Their rows go in together (audit/batches.py); none is lost or written twice, and a
    failed sign-in among them keeps its own row."""
    org = await given_organization(database)
    admin = await signed_in_as(client, database, "admin", org)
    users = [await given_user(database, org, "staff") for _ in range(6)]
    before = len(await raw_rows(database))

    answers = await asyncio.gather(
        *(
            client.post(
                "/api/v1/auth/login",
                json={"email": user.email, "password": PASSWORD if i else "wrong password"},
            )
            for i, user in enumerate(users)
        )
    )

    assert sorted(a.status_code for a in answers) == [200] * 5 + [401]
    assert len(await raw_rows(database)) == before + 6
    rows = await audit_items(client, admin, action="auth.*")
    failed = {row["actor_user_id"]: row["action"] for row in rows if row["action"] != "auth.login"}
    assert failed == {str(users[0].id): "auth.login_failed"}
    signed_in = sorted(row["actor_user_id"] for row in rows if row["action"] == "auth.login")
    assert signed_in == sorted([str(admin.user.id)] + [str(user.id) for user in users[1:]])


async def test_the_list_filters_by_action_actor_date_and_status(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    admin = await signed_in_as(client, database, "admin", org)
    manager = await signed_in_as(client, database, "manager", org)
    await client.patch("/api/v1/auth/me", json={"first_name": "Kai"}, headers=manager.headers)
    await client.patch("/api/v1/auth/me", json={"nickname": "K"}, headers=manager.headers)
    today = datetime.now(UTC).date()

    async def actions(**params: Any) -> list[str]:
        return [row["action"] for row in await audit_items(client, admin, **params)]

    assert await actions() == ["auth.me_update", "auth.me_update", "auth.login", "auth.login"]
    assert await actions(action="auth.*") == await actions()
    assert await actions(action="auth.login") == ["auth.login", "auth.login"]
    assert await actions(action="auth.log*") == ["auth.login", "auth.login"]
    assert await actions(action="auth.") == []
    assert await actions(actor_user_id=str(manager.user.id)) == [
        "auth.me_update",
        "auth.me_update",
        "auth.login",
    ]
    assert await actions(actor=str(admin.user.id)) == ["auth.login"]
    assert await actions(status_code=422) == ["auth.me_update"]
    assert await actions(resource_type="user") == ["auth.login", "auth.login"]
    assert await actions(resource_id=str(admin.user.id)) == ["auth.login"]
    assert len(await actions(date_from=today.isoformat(), date_to=today.isoformat())) == 4
    assert await actions(date_to=(today - timedelta(days=1)).isoformat()) == []
    assert await actions(date_from=(today + timedelta(days=1)).isoformat()) == []
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert len(await actions(date_from=an_hour_ago)) == 4
    bad = await client.get(
        "/api/v1/audit-logs", params={"date_from": "yesterday"}, headers=admin.headers
    )
    assert bad.status_code == 422
    assert error_of(bad)["details"] == {
        "date_from": "Use an ISO date (2025-10-25) or datetime (2025-10-25T10:30:00Z)"
    }


async def test_the_cursor_walks_every_row_once_newest_first(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    admin = await signed_in_as(client, database, "admin", org)
    for name in ("Ana", "Ben", "Cy", "Dee", "Eve"):
        await client.patch("/api/v1/auth/me", json={"first_name": name}, headers=admin.headers)
    everything = await audit_items(client, admin)

    pages: list[list[str]] = []
    cursor: str | None = None
    for _ in range(3):
        params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        response = await client.get("/api/v1/audit-logs", params=params, headers=admin.headers)
        assert response.status_code == 200
        pages.append([row["id"] for row in response.json()["items"]])
        cursor = response.json()["next_cursor"]

    assert len(everything) == 6
    assert [len(page) for page in pages] == [2, 2, 2]
    assert cursor is None
    assert [row_id for page in pages for row_id in page] == [row["id"] for row in everything]
    assert everything[-1]["action"] == "auth.login"
    bad = await client.get("/api/v1/audit-logs", params={"cursor": "nope"}, headers=admin.headers)
    assert bad.status_code == 422


async def test_another_organizations_rows_are_invisible(
    client: httpx.AsyncClient, database: Database
) -> None:
    ours = await signed_in_as(client, database, "admin")
    theirs = await signed_in_as(client, database, "admin", await given_organization(database))
    [their_row] = await audit_items(client, theirs)

    listed = await audit_items(client, ours)
    single = await client.get(f"/api/v1/audit-logs/{their_row['id']}", headers=ours.headers)
    missing = await client.get(f"/api/v1/audit-logs/{uuid.uuid4()}", headers=ours.headers)

    assert [row["actor_user_id"] for row in listed] == [str(ours.user.id)]
    assert single.status_code == missing.status_code == 404
    assert error_of(single) == {
        "error": "not_found",
        "message": "No such audit log entry",
        "details": {},
    }


async def test_managers_read_the_log(client: httpx.AsyncClient, database: Database) -> None:
    manager = await signed_in_as(client, database, "manager")

    assert [row["action"] for row in await audit_items(client, manager)] == ["auth.login"]


@pytest.mark.parametrize("role", ["staff", "viewer"])
async def test_staff_and_viewers_may_not_read_the_log(
    client: httpx.AsyncClient, database: Database, role: str
) -> None:
    actor = await signed_in_as(client, database, role)
    admin = await signed_in_as(client, database, "admin", actor.organization)
    [row, _] = await audit_items(client, admin)

    listed = await client.get("/api/v1/audit-logs", headers=actor.headers)
    single = await client.get(f"/api/v1/audit-logs/{row['id']}", headers=actor.headers)

    assert listed.status_code == single.status_code == 403
    assert error_of(listed)["error"] == "forbidden"


async def test_the_log_needs_a_signed_in_caller(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    [row] = await audit_items(client, admin)

    listed = await client.get("/api/v1/audit-logs")
    single = await client.get(f"/api/v1/audit-logs/{row['id']}")

    assert listed.status_code == single.status_code == 401
    assert error_of(listed)["error"] == "unauthorized"


async def test_the_log_cannot_be_written_through_the_api(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    [row] = await audit_items(client, admin)
    url = f"/api/v1/audit-logs/{row['id']}"

    created = await client.post("/api/v1/audit-logs", json={"action": "x"}, headers=admin.headers)
    replaced = await client.put(url, json={"action": "x"}, headers=admin.headers)
    edited = await client.patch(url, json={"action": "x"}, headers=admin.headers)
    deleted = await client.delete(url, headers=admin.headers)

    assert [r.status_code for r in (created, replaced, edited, deleted)] == [405] * 4
    assert (await client.get(url, headers=admin.headers)).json() == row


async def test_secrets_never_reach_the_log(client: httpx.AsyncClient, database: Database) -> None:
    org = await given_organization(database)
    user = await given_user(database, org, "admin")
    first = await sign_in(client, user.email)
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    second = refreshed.json()
    changed = await client.post(
        "/api/v1/auth/change-password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(second),
    )
    reused = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )

    assert (refreshed.status_code, changed.status_code, reused.status_code) == (200, 200, 401)
    async with database.transaction(write=False) as session:
        changes = [
            str(value) for (value,) in await session.execute(text("SELECT changes FROM audit_logs"))
        ]
    stored = await raw_rows(database)
    assert len(changes) == len(stored) == 4
    secrets = [PASSWORD, NEW_PASSWORD, user.email]
    secrets += [tokens[k] for tokens in (first, second) for k in ("access_token", "refresh_token")]
    for secret in secrets:
        assert not any(secret in value for value in changes + stored)


async def test_a_failure_to_record_does_not_change_the_answer(
    client: httpx.AsyncClient,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org, "staff")

    async def broken(*_args: object) -> None:
        raise RuntimeError("the audit table is gone")

    monkeypatch.setattr(audit_service, "insert_entries", broken)
    with caplog.at_level(logging.ERROR, logger="maitred.audit"):
        tokens = await sign_in(client, user.email)

    assert tokens["user"]["id"] == str(user.id)
    assert await raw_rows(database) == []
    assert [r.getMessage() for r in caplog.records if r.name == "maitred.audit"] == [
        "could not write the audit log of POST /api/v1/auth/login"
    ]


async def test_a_row_refused_in_a_batch_costs_only_its_own_requests_record(
    client: httpx.AsyncClient,
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A quick request's rows are written until the sign-ins have all finished, so theirs
    wait and go in as one batch, in which one row is refused."""
    org = await given_organization(database)
    users = [await given_user(database, org, "staff") for _ in range(4)]
    refused = users[2].id
    insert, rows_of = audit_service.insert_entries, audit_service.entries_for
    batches: list[int] = []
    finished: list[str] = []

    def counted(note: Any, request: Any) -> list[dict[str, Any]]:
        finished.append(request.path)  # its rows are queued right after
        return rows_of(note, request)

    async def refusing(session: Any, entries: list[dict[str, Any]]) -> None:
        batches.append(len(entries))
        if entries[0]["path"] == "/api/v1/auth/logout":
            for _ in range(1000):
                if len(finished) == 5:
                    break
                await asyncio.sleep(0.01)
        if any(entry["actor_user_id"] == refused for entry in entries):
            raise IntegrityError("INSERT INTO audit_logs", {}, Exception("a refused row"))
        await insert(session, entries)

    monkeypatch.setattr(audit_service, "entries_for", counted)
    monkeypatch.setattr(audit_service, "insert_entries", refusing)
    with caplog.at_level(logging.ERROR, logger="maitred.audit"):
        answers = await asyncio.gather(
            client.post("/api/v1/auth/logout", json={}),
            *(
                client.post("/api/v1/auth/login", json={"email": u.email, "password": PASSWORD})
                for u in users
            ),
        )

    assert [a.status_code for a in answers] == [401] + [200] * 4
    assert batches[:2] == [1, 4]  # the slow row, then the sign-ins together
    stored = await raw_rows(database)
    assert len(stored) == 4
    assert not [row for row in stored if str(refused) in row]
    assert [r.getMessage() for r in caplog.records if r.name == "maitred.audit"] == [
        "could not write the audit log of POST /api/v1/auth/login"
    ]
