"""Signing in with Google through HTTP, against a local stand-in for Google's key endpoint.

The test plays Google: it holds an RSA key, publishes its public half as a JWKS from a local
HTTP server, and signs ID tokens with it.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pyotp
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import func, select

from maitred.app import create_app
from maitred.identity.models import User
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.conftest import make_settings
from tests.factories import PASSWORD, bearer, given_organization, given_user, sign_in
from tests.probe_router import error_of

CLIENT_ID = "test-client.apps.googleusercontent.com"
KID = "google-key-1"
GOOGLE_LOGIN = "/api/v1/auth/google-login"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class FakeGoogle:
    key: rsa.RSAPrivateKey = field(default_factory=new_key)
    fetches: int = 0
    port: int = 0

    def jwks(self) -> bytes:
        public: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(
            self.key.public_key(), as_dict=True
        )
        return json.dumps({"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]}).encode()

    def token(self, key: rsa.RSAPrivateKey | None = None, kid: str = KID, **claims: Any) -> str:
        now = int(time.time())
        payload = {
            "iss": "https://accounts.google.com",
            "aud": CLIENT_ID,
            "sub": "109876543210987654321",
            "email": "sam.guest@gmail.example",
            "email_verified": True,
            "name": "Sam Guest",
            "given_name": "Sam",
            "family_name": "Guest",
            "iat": now,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle()

    class Certs(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fake.fetches += 1
            body = fake.jwks()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Certs)
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
async def google_client(
    data_dir: Path, database_url: str, database: Database, google: FakeGoogle
) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(
        data_dir,
        database_url,
        google_client_id=CLIENT_ID,
        google_jwks_url=f"http://127.0.0.1:{google.port}/certs",
    )
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
    await app.state.database.dispose()


async def users_in(database: Database) -> list[tuple[str, str | None]]:
    async with database.transaction() as session:
        users = (await session.scalars(select(User).order_by(User.created_at))).all()
    return [(user.email, user.google_subject) for user in users]


async def test_links_an_existing_user_by_email_and_signs_in(
    google_client: httpx.AsyncClient, database: Database, google: FakeGoogle
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org, Role.staff, email="sam.guest@gmail.example")

    response = await google_client.post(GOOGLE_LOGIN, json={"token": google.token()})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user"]["id"] == str(user.id)
    assert body["user"]["role"] == "staff"
    assert body["user"]["email_verified"] is True
    assert (await google_client.get("/api/v1/auth/me", headers=bearer(body))).status_code == 200
    assert await users_in(database) == [("sam.guest@gmail.example", "109876543210987654321")]
    # Linked by subject: a later change of the Google address still finds the same user.
    renamed = await google_client.post(
        GOOGLE_LOGIN, json={"token": google.token(email="sam@newmail.example")}
    )
    assert renamed.json()["user"]["id"] == str(user.id)


async def test_creates_a_customer_of_an_organization_open_to_sign_ups(
    google_client: httpx.AsyncClient, database: Database, google: FakeGoogle
) -> None:
    org = await given_organization(database, settings={"identity": {"self_signup": True}})

    response = await google_client.post(
        GOOGLE_LOGIN, json={"token": google.token()}, headers={"X-Tenant-ID": org.slug}
    )
    again = await google_client.post(GOOGLE_LOGIN, json={"token": google.token()})

    assert response.status_code == 200, response.text
    user = response.json()["user"]
    assert user["email"] == "sam.guest@gmail.example"
    assert user["role"] == "customer"
    assert user["organization_id"] == str(org.id)
    assert (user["full_name"], user["first_name"], user["last_name"]) == (
        "Sam Guest",
        "Sam",
        "Guest",
    )
    assert user["email_verified"] is True
    assert again.json()["user"]["id"] == user["id"]
    assert google.fetches == 1  # the keys are cached between sign-ins


async def test_no_account_is_made_without_an_organization_open_to_sign_ups(
    google_client: httpx.AsyncClient, database: Database, google: FakeGoogle
) -> None:
    closed = await given_organization(database)

    without_tenant = await google_client.post(GOOGLE_LOGIN, json={"token": google.token()})
    with_closed = await google_client.post(
        GOOGLE_LOGIN, json={"token": google.token()}, headers={"X-Tenant-ID": str(closed.id)}
    )

    assert without_tenant.status_code == 422
    assert error_of(without_tenant)["details"] == {
        "X-Tenant-ID": "Send the organization's id or slug in X-Tenant-ID"
    }
    assert with_closed.status_code == 403
    assert await users_in(database) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"aud": "someone-else.apps.googleusercontent.com"}, "issued for another application"),
        ({"exp": int(time.time()) - 3600}, "has expired"),
        ({"iss": "https://accounts.evil.example"}, "not issued by Google"),
        ({"email_verified": False}, "has not verified this email"),
    ],
)
async def test_a_token_failing_a_check_is_refused(
    google_client: httpx.AsyncClient,
    database: Database,
    google: FakeGoogle,
    change: dict[str, Any],
    message: str,
) -> None:
    org = await given_organization(database)
    await given_user(database, org, Role.staff, email="sam.guest@gmail.example")

    response = await google_client.post(GOOGLE_LOGIN, json={"token": google.token(**change)})

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert message in response.json()["message"]
    assert await users_in(database) == [("sam.guest@gmail.example", None)]


async def test_a_token_signed_by_another_key_is_refused(
    google_client: httpx.AsyncClient, database: Database, google: FakeGoogle
) -> None:
    org = await given_organization(database, settings={"identity": {"self_signup": True}})
    forged = google.token(key=new_key())
    unknown_kid = google.token(kid="not-a-google-key")

    responses = [
        await google_client.post(
            GOOGLE_LOGIN, json={"token": token}, headers={"X-Tenant-ID": org.slug}
        )
        for token in (forged, unknown_kid, "not.a.jwt")
    ]

    for response in responses:
        assert response.status_code == 401
        assert error_of(response) == {
            "error": "unauthorized",
            "message": "The Google token is invalid",
            "details": {},
        }
    assert await users_in(database) == []


async def test_mfa_still_applies_to_google_sign_in(
    google_client: httpx.AsyncClient,
    database: Database,
    google: FakeGoogle,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = datetime(2026, 3, 2, 12, 0, 5, tzinfo=UTC)
    monkeypatch.setattr("maitred.identity.mfa.utcnow", lambda: now)
    org = await given_organization(database)
    user = await given_user(database, org, Role.manager, email="sam.guest@gmail.example")
    tokens = await sign_in(google_client, user.email)
    secret = (await google_client.post("/api/v1/auth/mfa/setup", headers=bearer(tokens))).json()[
        "secret"
    ]
    totp = pyotp.TOTP(secret)
    enabled = await google_client.post(
        "/api/v1/auth/mfa/verify", headers=bearer(tokens), json={"code": totp.at(now)}
    )
    assert enabled.status_code == 200

    challenged = await google_client.post(GOOGLE_LOGIN, json={"token": google.token()})
    assert challenged.status_code == 401
    assert challenged.json()["error"] == "mfa_required"
    completed = await google_client.post(
        "/api/v1/auth/mfa/verify",
        json={
            "mfa_token": challenged.json()["details"]["mfa_token"],
            "code": totp.at(now, counter_offset=1),
        },
    )

    assert completed.status_code == 200
    assert completed.json()["user"]["id"] == str(user.id)


async def test_google_sign_in_not_configured_says_so(
    client: httpx.AsyncClient, database: Database, google: FakeGoogle
) -> None:
    response = await client.post(GOOGLE_LOGIN, json={"token": google.token()})

    assert response.status_code == 400
    assert error_of(response) == {
        "error": "invalid_request",
        "message": "Google sign-in is not configured on this server (set MAITRED_GOOGLE_CLIENT_ID)",
        "details": {},
    }
    assert google.fetches == 0
    async with database.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0


async def test_google_takes_an_unproven_account_from_whoever_chose_its_password(
    google_client: httpx.AsyncClient, database: Database, google: FakeGoogle
) -> None:
    """Pre-hijacking: someone signs up with another person's address and a password of theirs;
    when the address's holder signs in with Google, that password and its sessions stop."""
    org = await given_organization(database)
    squatter = await given_user(
        database, org, Role.customer, email="sam.guest@gmail.example", email_verified=False
    )
    before = await sign_in(google_client, squatter.email)

    holder = await google_client.post(GOOGLE_LOGIN, json={"token": google.token()})
    password_again = await google_client.post(
        "/api/v1/auth/login", json={"email": squatter.email, "password": PASSWORD}
    )
    old_session = await google_client.get("/api/v1/auth/me", headers=bearer(before))

    assert holder.status_code == 200
    assert holder.json()["user"]["email_verified"] is True
    assert password_again.status_code == 401
    assert old_session.status_code == 401
