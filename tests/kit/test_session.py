"""One transaction per request: committed before the response is sent, rolled back on error."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import func, select

from maitred.app import create_app
from maitred.kit.db import Database
from maitred.kit.deps import DbSession
from maitred.kit.errors import Conflict
from maitred.tenancy.models import Organization
from tests.conftest import make_settings

router = APIRouter(prefix="/session-probe")


@router.post("/duplicate-slug", status_code=201)
async def add_two_with_one_slug(db: DbSession) -> dict[str, str]:
    """Nothing is flushed here: the unique violation can only surface at commit."""
    db.add(Organization(name="First", slug="same-slug", settings={}))
    db.add(Organization(name="Second", slug="same-slug", settings={}))
    return {"status": "created"}


@router.post("/write-then-fail")
async def write_then_fail(db: DbSession) -> dict[str, str]:
    db.add(Organization(name="Doomed", slug="doomed", settings={}))
    await db.flush()
    raise Conflict("changed my mind")


@router.get("/read")
async def read_one(db: DbSession) -> dict[str, int]:
    return {"count": int(await db.scalar(select(func.count()).select_from(Organization)) or 0)}


@router.post("/write", status_code=201)
async def write_one(db: DbSession, slug: str) -> dict[str, str]:
    db.add(Organization(name=slug, slug=slug, settings={}))
    await db.flush()
    return {"slug": slug}


pytestmark = pytest.mark.own_app  # the tests mount routes of their own


def _mount(app: object) -> None:
    assert isinstance(app, FastAPI)
    app.include_router(router, prefix="/api/v1")


async def _organizations(database: Database) -> list[str]:
    async with database.transaction(write=False) as session:
        return list((await session.scalars(select(Organization.slug))).all())


async def test_a_failed_commit_is_an_error_not_a_success(
    app: object, client: httpx.AsyncClient, database: Database
) -> None:
    _mount(app)
    response = await client.post("/api/v1/session-probe/duplicate-slug")
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"
    assert "same-slug" not in response.text  # no SQL or values leak
    assert await _organizations(database) == []


async def test_an_error_after_a_write_rolls_the_write_back(
    app: object, client: httpx.AsyncClient, database: Database
) -> None:
    _mount(app)
    response = await client.post("/api/v1/session-probe/write-then-fail")
    assert response.status_code == 409
    assert response.json()["message"] == "changed my mind"
    assert await _organizations(database) == []


async def test_a_success_is_committed_before_the_client_hears_of_it(
    app: object, client: httpx.AsyncClient, database: Database
) -> None:
    _mount(app)
    response = await client.post("/api/v1/session-probe/write", params={"slug": "kept"})
    assert response.status_code == 201
    # A separate connection sees the row as soon as the response arrived.
    assert await _organizations(database) == ["kept"]


async def test_concurrent_writers_all_commit(
    app: object, client: httpx.AsyncClient, database: Database
) -> None:
    _mount(app)
    responses = await asyncio.gather(
        *(
            client.post("/api/v1/session-probe/write", params={"slug": f"org-{n}"})
            for n in range(40)
        )
    )
    assert [r.status_code for r in responses] == [201] * 40
    async with database.transaction(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Organization)) == 40


async def test_database_down_is_a_503_in_the_envelope(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, "postgresql://maitred@127.0.0.1:9/maitred"))
    _mount(app)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.get("/api/v1/session-probe/read")
        # The idempotency middleware meets the outage before any route does.
        keyed = await client.post(
            "/api/v1/session-probe/write", params={"slug": "x"}, headers={"Idempotency-Key": "k1"}
        )
    await app.state.database.dispose()
    for answer in (response, keyed):
        assert answer.status_code == 503
        assert answer.json()["error"] == "service_unavailable"
        assert answer.headers["retry-after"] == "5"
