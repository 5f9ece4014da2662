"""Rate-limit quotas by who is calling (API.md): per user for access tokens, per API key for
keys, per client address otherwise; admins count against the larger admin tier.

The rate limiter runs before authentication, so this only checks the access token's signature
(no database): a forged or stale token keeps the anonymous-credential quota it had and is then
refused by authentication as usual.
"""

from __future__ import annotations

import time
import uuid

from sqlalchemy import bindparam, select
from starlette.types import Scope

from maitred.identity import page_tokens
from maitred.identity.opaque import is_api_key
from maitred.identity.tokens import TokenSigner
from maitred.kit.db import Database
from maitred.kit.errors import Unauthorized
from maitred.kit.ratelimit import Policy
from maitred.kit.ratelimit_middleware import TierResolver, credential_key, quota_address
from maitred.kit.reads import ReadQuery
from maitred.kit.roles import Role
from maitred.tenancy.models import Organization

ADMIN_ROLES = frozenset({Role.admin.value, Role.super_admin.value})
ORG_HINT = "rate_limit_organization"
# The claims of the access token the limiter verified, so authentication need not verify twice.
VERIFIED_CLAIMS = "verified_access_claims"


class IdentityTierResolver(TierResolver):
    def __init__(self, trusted_proxies: str, signer: TokenSigner) -> None:
        super().__init__(trusted_proxies)
        self.signer = signer

    def __call__(self, scope: Scope) -> tuple[str, str] | None:
        path: str = scope["path"]
        if path.startswith(PAGE_ASSETS):
            return None  # one page view loads them all at once, as /docs does
        if path.startswith("/app") and (page := self._page(scope, path)) is not None:
            return page
        resolved = super().__call__(scope)
        if resolved is None or not resolved[1].startswith("cred:"):
            return resolved
        tier, key = resolved
        token = _bearer(scope)
        if token is None:
            return resolved  # an API key: its quota is its own (keyed by its hash)
        if is_api_key(token):  # the same quota as the key sent as X-API-Key
            return tier, credential_key(token.encode("latin-1"))
        try:
            claims = self.signer.verify(token)
        except Unauthorized:
            return resolved
        if tier == "authenticated" and claims.role in ADMIN_ROLES:
            tier = "admin"
        state = scope.setdefault("state", {})
        state[VERIFIED_CLAIMS] = (token, claims)
        if claims.organization_id is not None:
            state[ORG_HINT] = claims.organization_id
        return tier, f"user:{claims.user_id}"

    def _page(self, scope: Scope, path: str) -> tuple[str, str] | None:
        """The dashboard: signing in counts as the API's login; a page with a valid cookie
        against its user's quota (as their access token would); anything else as the default
        resolver decides (the public tier, by address)."""
        if path in PAGE_SIGN_IN and scope.get("method") == "POST":
            address = self.client_address(scope, _header(scope, b"x-forwarded-for"))
            return "login", "ip:" + quota_address(address)
        cookie = _cookie(scope, page_tokens.COOKIE)
        if cookie is None:
            return None
        try:
            claims = page_tokens.claims_of(self.signer.key, cookie)
        except Unauthorized:
            return None
        tier = "admin" if claims.role in ADMIN_ROLES else "authenticated"
        if claims.organization_id is not None:
            scope.setdefault("state", {})[ORG_HINT] = claims.organization_id
        return tier, f"user:{claims.user_id}"


PAGE_ASSETS = "/static/"
PAGE_SIGN_IN = frozenset({"/app/sign-in", "/app/sign-in/mfa"})


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope["headers"]:
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


def _cookie(scope: Scope, wanted: str) -> str | None:
    header = _header(scope, b"cookie")
    if not header:
        return None
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == wanted and value:
            return value
    return None


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


class OrganizationLimits:
    """Per-organization tier overrides (`rate_limits` in organization settings), cached for
    `ttl` seconds per process so the limiter does not read the database on every request."""

    def __init__(self, database: Database, *, ttl: float = 30.0) -> None:
        self.database = database
        self.ttl = ttl
        self._cache: dict[uuid.UUID, tuple[float, dict[str, Policy]]] = {}

    async def __call__(self, scope: Scope, tier: str) -> Policy | None:
        organization_id = scope.get("state", {}).get(ORG_HINT)
        if organization_id is None:
            return None
        now = time.monotonic()
        cached = self._cache.get(organization_id)
        if cached is None or cached[0] <= now:
            cached = (now + self.ttl, await self._load(organization_id))
            if len(self._cache) >= 10_000:
                self._cache.clear()
            self._cache[organization_id] = cached
        return cached[1].get(tier)

    async def _load(self, organization_id: uuid.UUID) -> dict[str, Policy]:
        row = await self.database.reads.one(ORGANIZATION_SETTINGS, id=organization_id)
        limits = ((row or {}).get("settings") or {}).get("rate_limits") or {}
        policies = {}
        for tier, text in limits.items():
            try:
                policies[tier] = Policy.parse(str(text))
            except ValueError:
                continue  # settings are validated on write; an old bad value is ignored
        return policies


ORGANIZATION_SETTINGS = ReadQuery(
    select(Organization.settings).where(Organization.id == bindparam("id"))
)
