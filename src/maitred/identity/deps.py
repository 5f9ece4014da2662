"""Who is calling, for which organization, with which permissions: resolved once per request.

    @router.post("", ...)
    async def create_user(body: UserCreate, auth: Annotated[AuthContext, requires("users:write")],
                          db: DbSession) -> ...

`requires(...)` is the one place a route states its permission; `describe_permissions` copies
it into the route's OpenAPI description, and the permission-matrix test reads it from there.
Access tokens are checked against the database on every request (active user, token version,
live session, current role), so revocation and role changes take effect immediately.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from maitred.identity import repository
from maitred.identity.errors import TenantRequired
from maitred.identity.opaque import digest, is_api_key
from maitred.identity.ratelimit_keys import VERIFIED_CLAIMS
from maitred.identity.sessions import AuthConfig
from maitred.identity.tokens import AccessClaims
from maitred.kit import i18n
from maitred.kit.auditnote import set_actor
from maitred.kit.clock import utcnow
from maitred.kit.deps import database_of
from maitred.kit.errors import Forbidden, NotFound, Unauthorized
from maitred.kit.permissions import permissions_for
from maitred.kit.reads import ReadPool
from maitred.kit.roles import Role
from maitred.tenancy import snapshots as tenancy_snapshots
from maitred.tenancy.errors import MfaSetupRequired
from maitred.tenancy.settings import requires_mfa

_API_KEY_TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class AuthContext:
    """The caller: a user (by access token) or an API key, in at most one organization."""

    role: str
    permissions: frozenset[str]
    organization_id: uuid.UUID | None
    user_id: uuid.UUID | None = None
    api_key_id: uuid.UUID | None = None
    session_id: uuid.UUID | None = None
    is_super_admin: bool = False
    mfa_enabled: bool = False
    organization_settings: dict[str, Any] = field(default_factory=dict)
    # The organization row's version, read with the caller: its snapshot costs no statement.
    organization_version: datetime | None = None

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    @property
    def org_id(self) -> uuid.UUID:
        """The organization of a tenant-scoped request (TenantRequired when there is none)."""
        if self.organization_id is None:
            raise TenantRequired()
        return self.organization_id

    @property
    def is_user(self) -> bool:
        return self.user_id is not None


def auth_config_of(request: Request) -> AuthConfig:
    config: AuthConfig = request.app.state.auth_config
    return config


def _credentials(request: Request) -> tuple[str | None, str | None]:
    """The access token and the API key of the request. An API key may come as `X-API-Key` or
    as `Authorization: Bearer mk_…`; two different keys in one request are refused."""
    authorization = request.headers.get("authorization")
    api_key = request.headers.get("x-api-key")
    bearer = None
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthorized("Use 'Authorization: Bearer <access token or API key>'")
        bearer = value.strip()
    if bearer is not None and is_api_key(bearer):
        if api_key is not None and api_key.strip() != bearer:
            raise Unauthorized("Send one API key, as 'Authorization: Bearer' or 'X-API-Key'")
        return None, bearer
    return bearer, api_key


async def _tenant_id(request: Request, tenant: str) -> uuid.UUID:
    try:
        return uuid.UUID(tenant)
    except ValueError:
        row = await database_of(request).reads.one(
            repository.ORGANIZATION_ID_BY_SLUG, slug=tenant.strip().lower()
        )
    if row is None:
        raise NotFound("No such organization")
    found: uuid.UUID = row["id"]
    return found


def _verified_claims(request: Request, token: str) -> AccessClaims:
    """The rate limiter has usually verified this very token already (identity/ratelimit_keys)."""
    verified = request.scope.get("state", {}).get(VERIFIED_CLAIMS)
    if verified is not None and verified[0] == token and verified[1].expires_at > utcnow():
        claims: AccessClaims = verified[1]
        return claims
    return auth_config_of(request).signer.verify(token)


async def _user_context(request: Request, token: str) -> AuthContext:
    return await context_of_claims(request, _verified_claims(request, token))


async def context_of_claims(request: Request, claims: AccessClaims) -> AuthContext:
    """The user named by verified claims, checked against the database as it is now (the
    dashboard's cookie session carries the same claims as an access token)."""
    if claims.session_id is None:
        raise Unauthorized("The access token is invalid")
    reads = database_of(request).reads
    tenant = request.headers.get("x-tenant-id")
    org_id = await _tenant_id(request, tenant) if tenant else claims.organization_id
    if org_id is None:
        firsts = await reads.all(repository.MEMBERSHIPS_OF_USER, user_id=claims.user_id)
        org_id = firsts[0]["organization_id"] if len(firsts) == 1 else None
    row = await reads.one(
        repository.USER_IN_ORGANIZATION,
        user_id=claims.user_id,
        session_id=claims.session_id,
        org_a=org_id,
        org_b=org_id,
    )
    if (
        row is None
        or not row["is_active"]
        or row["token_version"] != claims.token_version
        or not row["session_alive"]
    ):
        raise Unauthorized("The session has ended; sign in again")
    role: str | None = row["role"]
    if row["is_super_admin"] and role is None:
        role = Role.super_admin
    if org_id is not None and (role is None or row["organization_id"] is None):
        raise NotFound("No such organization")
    if org_id is not None and not row["organization_active"] and not row["is_super_admin"]:
        raise Forbidden("This organization has been deactivated")
    i18n.use_fallback(row["organization_locale"])
    version = row["organization_version"]
    return AuthContext(
        role=role or "",
        permissions=permissions_for(role) if role else frozenset(),
        organization_id=org_id,
        user_id=claims.user_id,
        session_id=claims.session_id,
        is_super_admin=row["is_super_admin"],
        mfa_enabled=row["mfa_enabled"],
        organization_settings=await _stored_settings(reads, org_id, version),
        organization_version=version,
    )


async def _stored_settings(
    reads: ReadPool, organization_id: uuid.UUID | None, version: datetime | None
) -> dict[str, Any]:
    """The organization's settings as stored, kept in process per version (tenancy/snapshots)."""
    if organization_id is None or version is None:
        return {}
    found = await tenancy_snapshots.snapshot(reads, organization_id, version)
    return found.stored_settings if found is not None else {}


async def _api_key_context(request: Request, key: str) -> AuthContext:
    database = database_of(request)
    row = await database.reads.one(repository.API_KEY_BY_HASH, key_hash=digest(key.strip()))
    now = utcnow()
    if (
        row is None
        or row["revoked_at"] is not None
        or (row["expires_at"] is not None and row["expires_at"] <= now)
    ):
        raise Unauthorized("The API key is invalid, expired or revoked")
    if not row["organization_active"]:
        raise Forbidden("This organization has been deactivated")
    tenant = request.headers.get("x-tenant-id")
    if tenant and await _tenant_id(request, tenant) != row["organization_id"]:
        raise NotFound("No such organization")
    if row["last_used_at"] is None or now - row["last_used_at"] > _API_KEY_TOUCH_INTERVAL:
        from maitred.identity import api_keys

        await api_keys.touch(database, row["id"])
    scopes = frozenset(row["scopes"]) & permissions_for(row["role"])
    i18n.use_fallback(row["organization_locale"])
    return AuthContext(
        role=row["role"],
        permissions=scopes,
        organization_id=row["organization_id"],
        api_key_id=row["id"],
        organization_settings=await _stored_settings(
            database.reads, row["organization_id"], row["organization_version"]
        ),
        organization_version=row["organization_version"],
    )


async def authenticate(request: Request) -> AuthContext:
    """The caller, or 401. Cached on the request: several dependencies may ask."""
    cached: AuthContext | None = getattr(request.state, "auth", None)
    if cached is not None:
        return cached
    bearer, api_key = _credentials(request)
    if bearer:
        context = await _user_context(request, bearer)
    elif api_key:
        context = await _api_key_context(request, api_key)
    else:
        raise Unauthorized("Sign in first: send 'Authorization: Bearer <token>' or 'X-API-Key'")
    request.state.auth = context
    set_actor(
        user_id=context.user_id,
        api_key_id=context.api_key_id,
        organization_id=context.organization_id,
    )
    return context


def requires(*permissions: str) -> Any:
    """A dependency admitting callers of an organization that hold every one of `permissions`."""

    async def check(request: Request) -> AuthContext:
        context = await authenticate(request)
        if context.organization_id is None:
            raise TenantRequired()
        missing = [p for p in permissions if p not in context.permissions]
        if missing:
            raise Forbidden(f"Requires permission {', '.join(missing)}")
        if (
            context.is_user
            and not context.mfa_enabled
            and requires_mfa(context.organization_settings, context.role)
        ):
            raise MfaSetupRequired(context.role)
        return context

    check.required_permissions = permissions  # type: ignore[attr-defined]
    return Depends(check)


def requires_super_admin() -> Any:
    async def check(request: Request) -> AuthContext:
        context = await authenticate(request)
        if not context.is_super_admin:
            raise Forbidden("Only platform administrators may do this")
        return context

    check.required_permissions = ("platform:write",)  # type: ignore[attr-defined]
    return Depends(check)


Caller = Annotated[AuthContext, Depends(authenticate)]
"""Any signed-in caller, with or without an organization (`/auth/me`, creating one)."""


def route_permissions(route: APIRoute) -> tuple[str, ...] | None:
    """The permissions a route declared with `requires`, or None when it declared none."""
    for dependency in route.dependant.dependencies:
        found = getattr(dependency.call, "required_permissions", None)
        if found is not None:
            return tuple(found)
    return None


def describe_permissions(routes: Iterable[BaseRoute]) -> None:
    """Adds "Requires: `users:write`" to each route's OpenAPI description (once: routers are
    module-level and every app built in a process includes the same ones)."""
    for route in routes:
        if isinstance(route, APIRoute):
            permissions = route_permissions(route)
            description = route.description or ""
            if permissions and REQUIRES_MARK not in description:
                needed = ", ".join(f"`{p}`" for p in permissions)
                route.description = f"{description}\n\n{REQUIRES_MARK} {needed}".strip()


REQUIRES_MARK = "**Requires:**"
