"""A database dump must not hold users' emails, phones or MFA secrets in clear."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from maitred.kit.db import Database
from tests.factories import given_organization, sign_in

SIGNUP = {"identity": {"self_signup": True}}
EMAIL, PHONE = "ayumi.sato@example.com", "+19165550177"


async def test_user_pii_is_encrypted_in_the_database(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database, settings=SIGNUP)
    registered = await client.post(
        "/api/v1/auth/register",
        headers={"X-Tenant-ID": org.slug},
        json={
            "email": EMAIL,
            "password": "a long passphrase here",
            "name": "Ayumi",
            "phone": PHONE,
        },
    )
    assert registered.status_code == 201

    async with database.transaction() as session:
        row = (await session.execute(text("SELECT email, email_index, phone FROM users"))).one()

    email, index, phone = (str(value) for value in row)
    assert EMAIL not in email
    assert "sato" not in email
    assert PHONE not in phone
    assert "5550177" not in phone
    assert email.startswith("v1.")
    assert phone.startswith("v1.")
    assert len(index) == 64
    assert EMAIL not in index
    # And yet the account is found by its email, in any case.
    assert (await sign_in(client, EMAIL.upper(), "a long passphrase here"))["user"][
        "phone"
    ] == PHONE


async def test_the_sqlite_file_holds_no_email_in_clear(
    client: httpx.AsyncClient, database: Database
) -> None:
    if not database.is_sqlite:
        pytest.skip("reads the SQLite file itself")
    org = await given_organization(database, settings=SIGNUP)
    await client.post(
        "/api/v1/auth/register",
        headers={"X-Tenant-ID": org.slug},
        json={
            "email": EMAIL,
            "password": "a long passphrase here",
            "name": "Ayumi",
            "phone": PHONE,
        },
    )
    path = Path(database.url.split(":///", 1)[1])

    # The database file and its write-ahead log, where fresh pages live before a checkpoint.
    raw = b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())

    assert EMAIL.encode() not in raw
    assert PHONE.encode() not in raw
