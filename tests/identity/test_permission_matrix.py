"""Every route under /api/v1, for every role: a route that declares permissions answers 403 to
roles without them and lets the others through; every other route is either open on purpose
(listed here) or needs a signed-in caller. A new route that fits none of these fails the test."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts

from maitred.identity.deps import authenticate, route_permissions
from maitred.kit.db import Database
from maitred.kit.permissions import permissions_for
from maitred.kit.roles import Role
from tests.factories import given_organization, signed_in_as

# Open without signing in, by design.
PUBLIC = {
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    ("POST", "/api/v1/auth/password-reset/request"),
    ("POST", "/api/v1/auth/password-reset/confirm"),
    ("POST", "/api/v1/auth/mfa/verify"),  # with an mfa_token instead of an access token
    ("POST", "/api/v1/auth/google-login"),
    ("POST", "/api/v1/facilitators/login"),
    ("GET", "/api/v1/public/organizations/{id_or_slug}"),
    ("GET", "/api/v1/monitoring/rate-limit/status"),
    ("GET", "/api/v1/menu"),
    ("POST", "/api/v1/public/leads"),
    ("POST", "/api/v1/public/bookings"),
    ("GET", "/api/v1/public/availability"),
    ("POST", "/api/v1/public/events/{event_id}/seats"),
    # A marketing email's unsubscribe link (GET) and one-click unsubscribe (POST): the token
    # in the link is the credential (notifications).
    ("GET", "/api/v1/public/unsubscribe"),
    ("POST", "/api/v1/public/unsubscribe"),
    # Providers' callbacks: verified by their signature or token instead (messaging).
    ("POST", "/api/v1/webhooks/twilio"),
    ("POST", "/api/v1/webhooks/ringcentral"),
    ("GET", "/api/v1/webhooks/whatsapp"),
    ("POST", "/api/v1/webhooks/whatsapp"),
    ("POST", "/api/v1/webhooks/telegram"),
    # Stripe's, verified by Stripe-Signature (payments); the deposit link's token is its
    # credential, and the page Checkout returns to shows nothing of anyone's.
    ("POST", "/api/v1/webhooks/stripe"),
    ("POST", "/api/v1/stripe/webhook"),
    ("POST", "/api/v1/webhooks/stripe/{organization_id}"),
    ("GET", "/api/v1/public/payments/pay"),
    ("GET", "/api/v1/public/payments/done"),
    # Menu photos are public like the menu; a signed, expiring link is its own credential
    # (how Twilio and Meta fetch an MMS or WhatsApp attachment).
    ("GET", "/api/v1/menu/photos/{organization}/{photo}"),
    ("GET", "/api/v1/files/signed/{token}"),
    # Seed 001's assistant: signing in is optional (a website visitor chats, confirms their
    # own draft by its token, or asks for a person); a signed-in caller acts with their rights.
    ("POST", "/api/v1/ai/chat"),
    ("POST", "/api/v1/ai/chat/stream"),
    ("POST", "/api/v1/ai/confirm"),
    ("POST", "/api/v1/ai/chat/handoff"),
}


@dataclass(frozen=True)
class Served:
    """A route as the app serves it: its full path, and the route its router declared."""

    path: str
    route: APIRoute


def api_routes(app: FastAPI) -> list[tuple[str, Served]]:
    found = []
    for context in iter_route_contexts(app.routes):
        route, path = context.original_route, context.path_format or ""
        if isinstance(route, APIRoute) and path.startswith("/api/v1/"):
            for method in sorted(route.methods or ()):
                found.append((method, Served(path, route)))
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


def needs_caller(route: APIRoute) -> bool:
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if (
            dependency.call is authenticate
            or getattr(dependency.call, "required_permissions", None) is not None
        ):
            return True
        stack.extend(dependency.dependencies)
    return False


async def call(
    client: httpx.AsyncClient, method: str, served: Served, headers: dict[str, str]
) -> httpx.Response:
    body = {} if method in ("POST", "PUT", "PATCH") else None
    return await client.request(method, concrete(served.path), headers=headers, json=body)


async def test_every_route_is_public_on_purpose_or_needs_a_caller(
    client: httpx.AsyncClient, app: FastAPI, database: Database
) -> None:
    unclassified = []
    served_routes = api_routes(app)
    for method, served in served_routes:
        if (method, served.path) in PUBLIC:
            continue
        if not needs_caller(served.route):
            unclassified.append(f"{method} {served.path}")
            continue
        response = await call(client, method, served, {})
        assert response.status_code == 401, f"{method} {served.path}: {response.status_code}"
    assert unclassified == []
    assert len(served_routes) > len(PUBLIC)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
async def test_declared_permissions_are_enforced_for_every_role(
    client: httpx.AsyncClient, app: FastAPI, database: Database, role: Role
) -> None:
    organization = await given_organization(database)
    actor = await signed_in_as(client, database, role, organization)
    headers = {**actor.headers, "X-Tenant-ID": str(organization.id)}
    granted = permissions_for(role)
    checked = 0
    for method, served in api_routes(app):
        declared = route_permissions(served.route)
        if declared is None or (method, served.path) in PUBLIC:
            continue
        response = await call(client, method, served, headers)
        allowed = set(declared) <= granted
        where = f"{role.value} {method} {served.path} (needs {declared}): {response.text[:200]}"
        if allowed:
            assert response.status_code not in (401, 403), where
        else:
            assert response.status_code == 403, where
        checked += 1
    assert checked > 0
