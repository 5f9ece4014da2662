"""Realistic data for tests, made through the services (never raw SQL), and signing in."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx

from maitred.config import Settings
from maitred.identity import service as identity_service
from maitred.identity.models import User
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.kit.worker import Worker, WorkerOptions
from maitred.tenancy import memberships
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization

PASSWORD = "a long passphrase for tests"
_numbers = itertools.count(1)


async def given_organization(
    database: Database, name: str = "Hibachi at Home", *, settings: dict[str, Any] | None = None
) -> Organization:
    async with database.transaction() as session:
        org = await tenancy_service.create(
            session, name=name, timezone="America/Los_Angeles", currency="USD", country="US"
        )
        org.settings = settings or {}
    return org


async def given_user(
    database: Database,
    organization: Organization | None,
    role: Role | str = Role.admin,
    *,
    email: str | None = None,
    password: str | None = PASSWORD,
    full_name: str = "Pat Example",
    super_admin: bool = False,
    email_verified: bool = True,
) -> User:
    """An established account: its email proven unless `email_verified=False`."""
    email = email or f"{Role(role).value}{next(_numbers)}@hibachi.example"
    async with database.transaction() as session:
        user = await identity_service.create_user(
            session,
            email=email,
            password=password,
            full_name=full_name,
            email_verified=email_verified,
        )
        user.is_super_admin = super_admin
        if organization is not None and role != Role.super_admin:
            await memberships.add(
                session, user_id=user.id, organization_id=organization.id, role=Role(role)
            )
    return user


async def sign_in(
    client: httpx.AsyncClient,
    email: str,
    password: str = PASSWORD,
    *,
    tenant: str | None = None,
) -> dict[str, Any]:
    """The login response body (asserting it succeeded)."""
    headers = {"X-Tenant-ID": tenant} if tenant else {}
    response = await client.post(
        "/api/v1/auth/login", json={"email": email, "password": password}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@dataclass
class Actor:
    user: User
    organization: Organization | None
    tokens: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.tokens)


async def signed_in_as(
    client: httpx.AsyncClient,
    database: Database,
    role: Role | str = Role.admin,
    organization: Organization | None = None,
) -> Actor:
    """A user of `role` in `organization` (a new one if not given), signed in."""
    organization = organization or await given_organization(database)
    user = await given_user(database, organization, role, super_admin=(role == Role.super_admin))
    tenant = str(organization.id) if role == Role.super_admin else None
    tokens = await sign_in(client, user.email, tenant=tenant)
    return Actor(user, organization, tokens)


async def deliver_everything(database: Database, settings: Settings | None = None) -> None:
    """Runs the worker until nothing is due: every outbox event handled and every poller's
    work (messages, webhook deliveries) done, as after a while."""
    worker = Worker(
        database, WorkerOptions(poll_seconds=0.01, backoff_seconds=0.01), settings=settings
    )
    for _ in range(50):
        if not await worker.run_once():
            return
    raise AssertionError("the worker never ran out of work")
